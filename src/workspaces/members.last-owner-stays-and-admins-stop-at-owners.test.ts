import { beforeAll, expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { addWorkspace, memberSignedIn } from '../../test/support/workspaces.js';
import { createUser } from '../auth/users.js';
import { inWorkspace } from '../context.js';
import { changeRole } from './members.js';

type Browser = Awaited<ReturnType<typeof memberSignedIn>>;

describeEachDatabase('Members and roles', (kind) => {
  const t = useTestApp(kind);
  let first: Browser;
  let second: Browser;
  let editor: Browser;
  beforeAll(async () => {
    first = await memberSignedIn(t, 'first@example.test', 'owner');
    second = await memberSignedIn(t, 'second@example.test', 'editor');
    editor = await memberSignedIn(t, 'editor@example.test', 'editor');
  });
  const forbidden = { status: 403, body: { error: { code: 'forbidden' } } };
  const lastOwner = { status: 409, body: { error: { code: 'last_owner' } } };

  it('lists the members with their roles and when they joined', async () => {
    const members = await first.call('GET', '/api/members');
    expect(members.status).toBe(200);
    expect(members.body).toEqual([
      { userId: first.userId, email: 'first@example.test', role: 'owner', joinedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
      { userId: second.userId, email: 'second@example.test', role: 'editor', joinedAt: expect.any(String) },
      { userId: editor.userId, email: 'editor@example.test', role: 'editor', joinedAt: expect.any(String) },
    ]);
  });

  it('stops an admin at owners: no inviting, changing or removing one, nor making anyone owner', async () => {
    // t.api is an admin key.
    expect(await t.api('POST', '/api/members', { email: 'boss@example.test', role: 'owner' })).toMatchObject(forbidden);
    expect(await t.api('PATCH', `/api/members/${first.userId}`, { role: 'viewer' })).toMatchObject(forbidden);
    expect(await t.api('DELETE', `/api/members/${first.userId}`)).toMatchObject(forbidden);
    expect(await t.api('PATCH', `/api/members/${editor.userId}`, { role: 'owner' })).toMatchObject(forbidden);
    expect((await first.call('GET', '/api/members')).body.map((m: { role: string }) => m.role)).toEqual(['owner', 'editor', 'editor']);

    // Below owners, an admin manages everyone.
    const demoted = await t.api('PATCH', `/api/members/${editor.userId}`, { role: 'viewer' });
    expect(demoted).toMatchObject({ status: 200, body: { userId: editor.userId, email: 'editor@example.test', role: 'viewer' } });
    expect((await editor.call('POST', '/api/lists', { name: 'No longer allowed' })).status).toBe(403);
    const audit = (await t.api('GET', '/api/audit')).body.items;
    expect(audit[0]).toMatchObject({ action: 'member.role', actor: { type: 'apikey' }, objectType: 'user', objectId: editor.userId, details: { from: 'editor', to: 'viewer' } });
  });

  it('keeps the last owner: neither demoted nor removed until another owner exists', async () => {
    expect(await first.call('PATCH', `/api/members/${first.userId}`, { role: 'admin' })).toMatchObject(lastOwner);
    expect(await first.call('DELETE', `/api/members/${first.userId}`)).toMatchObject(lastOwner);

    expect(await first.call('PATCH', `/api/members/${second.userId}`, { role: 'owner' })).toMatchObject({ status: 200, body: { role: 'owner' } });
    expect(await first.call('PATCH', `/api/members/${first.userId}`, { role: 'admin' })).toMatchObject({ status: 200, body: { role: 'admin' } });
    // Now an admin, first may not touch the owner.
    expect(await first.call('PATCH', `/api/members/${second.userId}`, { role: 'admin' })).toMatchObject(forbidden);
    expect(await second.call('PATCH', `/api/members/${second.userId}`, { role: 'admin' })).toMatchObject(lastOwner);
    expect(await second.call('DELETE', `/api/members/${second.userId}`)).toMatchObject(lastOwner);

    expect((await second.call('DELETE', `/api/members/${first.userId}`)).status).toBe(204);
    // Removed: first's session reaches no workspace any more, though the account stays.
    expect(await first.call('GET', '/api/members')).toMatchObject(forbidden);
    expect(await first.call('GET', '/api/contacts', undefined, { 'x-workspace': String(t.ctx.workspaceId) })).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect((await first.call('GET', '/api/session')).body).toMatchObject({ user: { email: 'first@example.test' }, workspace: null, workspaces: [] });

    const audit = (await t.api('GET', '/api/audit')).body.items;
    expect(audit[0]).toMatchObject({ action: 'member.remove', actor: { type: 'user', id: second.userId }, objectId: first.userId, details: { email: 'first@example.test', role: 'admin' } });
    expect(audit[1]).toMatchObject({ action: 'member.role', actor: { type: 'user', id: first.userId }, objectId: first.userId, details: { from: 'owner', to: 'admin' } });
  });

  it('answers 404 for a user of another workspace, as for one who does not exist', async () => {
    const brand = await addWorkspace(t, 'Brand B');
    const outsider = await createUser(t.ctx.store, 'outsider@example.test', t.ctx.now(), { workspaceId: brand.workspaceId, role: 'editor' });
    const missing = await t.api('PATCH', '/api/members/999999', { role: 'viewer' });
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect((await t.api('PATCH', `/api/members/${outsider.id}`, { role: 'viewer' })).body).toEqual(missing.body);
    expect((await t.api('DELETE', `/api/members/${outsider.id}`)).body).toEqual(missing.body);
    expect((await brand.api('GET', '/api/members')).body).toEqual([expect.objectContaining({ email: 'outsider@example.test', role: 'editor' })]);
    expect((await t.api('GET', '/api/members')).body.map((m: { email: string }) => m.email)).not.toContain('outsider@example.test');
  });

  it('lets two owners demoting each other at once leave one owner', async () => {
    for (let round = 0; round < 3; round++) {
      const race = await addWorkspace(t, `Race ${round}`);
      const [a, b] = [
        await createUser(t.ctx.store, `a${round}@race.test`, t.ctx.now(), { workspaceId: race.workspaceId }),
        await createUser(t.ctx.store, `b${round}@race.test`, t.ctx.now(), { workspaceId: race.workspaceId }),
      ];
      // Both transactions get a connection of their own at once (PostgreSQL), so that they overlap.
      await Promise.all([1, 2, 3].map(() => t.ctx.store.db.selectFrom('workspaces').select('id').execute()));
      const as = (user: { id: number; email: string }) => inWorkspace(t.ctx, race.workspaceId, { type: 'user', id: user.id, name: user.email }, 'owner');
      const outcomes = await Promise.allSettled([changeRole(as(a), b.id, 'admin'), changeRole(as(b), a.id, 'admin')]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: { status: 409, code: 'last_owner' } });
      const owners = await t.ctx.store.db.selectFrom('workspace_members').select('user_id').where('workspace_id', '=', race.workspaceId).where('role', '=', 'owner').execute();
      expect(owners).toHaveLength(1);
    }
  });
});
