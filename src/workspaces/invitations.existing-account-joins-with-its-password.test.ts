import { expect, it } from 'vitest';
import { useTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { addWorkspace } from '../../test/support/workspaces.js';
import { createUser } from '../auth/users.js';

const post = (t: TestApp, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(t.baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describeEachDatabase('An invitation to someone who has an account', (kind) => {
  const t = useTestApp(kind);
  const tokenOf = (inviteUrl: string) => inviteUrl.slice(inviteUrl.indexOf('/invite/') + '/invite/'.length);

  it('joins with the account and its current password, keeping the workspaces it had', async () => {
    const brand = await addWorkspace(t, 'Brand B');
    const ada = await createUser(t.ctx.store, 'ada@example.test', t.ctx.now(), { workspaceId: brand.workspaceId, role: 'owner' });
    const invited = await t.api('POST', '/api/members', { email: 'ADA@example.test', role: 'viewer' });
    expect(invited.status).toBe(201);
    const token = tokenOf(invited.body.inviteUrl);

    const preview = await fetch(`${t.baseUrl}/api/invitations/${token}`);
    expect(await preview.json()).toMatchObject({ email: 'ada@example.test', role: 'viewer', accountExists: true, workspace: { id: t.ctx.workspaceId } });
    // Invited by a key: no user to name.
    expect((await t.api('GET', '/api/invitations')).body).toEqual([expect.objectContaining({ email: 'ada@example.test', invitedBy: null })]);

    const wrong = await post(t, `/api/invitations/${token}/accept`, { password: 'not ada’s password' });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error.code).toBe('invalid_credentials');
    expect(wrong.headers.get('set-cookie')).toBeNull();
    // A wrong password spends nothing: the link still works.
    expect((await fetch(`${t.baseUrl}/api/invitations/${token}`)).status).toBe(200);

    const joined = await post(t, `/api/invitations/${token}/accept`, { password: ada.password });
    expect(joined.status).toBe(201);
    const session = await joined.json();
    expect(session.user).toEqual({ id: ada.id, email: 'ada@example.test' });
    expect(session.workspace).toEqual({ id: t.ctx.workspaceId, name: 'My workspace', role: 'viewer', rights: ['read'] });
    expect(session.workspaces).toEqual([
      { id: t.ctx.workspaceId, name: 'My workspace', role: 'viewer' },
      { id: brand.workspaceId, name: 'Brand B', role: 'owner' },
    ]);

    // The same session switches between them with X-Workspace.
    const cookie = joined.headers.get('set-cookie')!.split(';')[0]!;
    const inBrand = await fetch(`${t.baseUrl}/api/session`, { headers: { cookie, 'x-workspace': String(brand.workspaceId) } });
    expect((await inBrand.json()).workspace).toEqual({ id: brand.workspaceId, name: 'Brand B', role: 'owner', rights: ['read', 'edit', 'send', 'export', 'manage'] });
    expect((await fetch(`${t.baseUrl}/api/members`, { headers: { cookie } })).status).toBe(403);
    expect((await fetch(`${t.baseUrl}/api/members`, { headers: { cookie, 'x-workspace': String(brand.workspaceId) } })).status).toBe(200);

    const audit = (await t.api('GET', '/api/audit')).body.items;
    expect(audit.find((e: { action: string }) => e.action === 'member.join')).toMatchObject({ actor: { type: 'user', id: ada.id, name: 'ada@example.test' }, details: { role: 'viewer' } });
  });

  it('counts wrong passwords in the sign-in throttle', async () => {
    const grace = await createUser(t.ctx.store, 'grace@example.test', t.ctx.now(), { workspaceId: (await addWorkspace(t, 'Brand G')).workspaceId });
    const token = tokenOf((await t.api('POST', '/api/members', { email: 'grace@example.test', role: 'editor' })).body.inviteUrl);
    t.clock.now = Date.now();
    try {
      for (let i = 0; i < 5; i++) expect((await post(t, `/api/invitations/${token}/accept`, { password: `guess-${i}` })).status).toBe(401);
      const blocked = await post(t, `/api/invitations/${token}/accept`, { password: grace.password });
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBe(15 * 60);
      // One throttle: signing in is blocked too, and the guesses at sign-in would have counted here.
      expect((await post(t, '/api/session', { email: 'grace@example.test', password: grace.password })).status).toBe(429);
      t.clock.advance(15 * 60_000 + 1);
      const joined = await post(t, `/api/invitations/${token}/accept`, { password: grace.password });
      expect(joined.status).toBe(201);
      expect((await joined.json()).workspace).toMatchObject({ id: t.ctx.workspaceId, role: 'editor' });
    } finally {
      t.clock.real();
    }
  });
});
