import { beforeAll, expect, it } from 'vitest';
import { useTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { createUser } from '../auth/users.js';

const DAY = 24 * 60 * 60 * 1000;

type Answer = { status: number; body: any; headers: Headers };
/** A browser's session: the cookie and CSRF token POST /api/session (or an accepted invitation) gave. */
type Browser = { session: any; call: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Answer> };

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

async function browserFrom(t: TestApp, response: Response): Promise<Browser> {
  expect(response.status).toBe(201);
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
  const session = await response.json();
  const call: Browser['call'] = async (method, path, body, headers = {}) =>
    answer(
      await fetch(t.baseUrl + path, {
        method,
        headers: { cookie, 'x-csrf-token': session.csrfToken, ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
  return { session, call };
}

const post = (t: TestApp, path: string, body: unknown) =>
  fetch(t.baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describeEachDatabase('Invitations', (kind) => {
  const t = useTestApp(kind);
  let owner: Browser;
  beforeAll(async () => {
    const { password } = await createUser(t.ctx.store, 'owner@example.test', t.ctx.now());
    owner = await browserFrom(t, await post(t, '/api/session', { email: 'owner@example.test', password }));
  });
  const tokenOf = (inviteUrl: string) => inviteUrl.slice(inviteUrl.indexOf('/invite/') + '/invite/'.length);
  const preview = async (token: string) => answer(await fetch(`${t.baseUrl}/api/invitations/${token}`));
  const accept = async (token: string, password: string) => post(t, `/api/invitations/${token}/accept`, { password });

  it('takes an invitee from the emailed link to a session with the invited role', async () => {
    const invited = await owner.call('POST', '/api/members', { email: ' Editor@Example.test ', role: 'editor' });
    expect(invited.status).toBe(201);
    const { invitation, inviteUrl, emailSent } = invited.body;
    expect(invitation).toEqual({ id: expect.any(Number), email: 'editor@example.test', role: 'editor', expiresAt: expect.any(String) });
    expect(Date.parse(invitation.expiresAt) - Date.now()).toBeGreaterThan(7 * DAY - 60_000);
    expect(Date.parse(invitation.expiresAt) - Date.now()).toBeLessThanOrEqual(7 * DAY);
    expect(emailSent).toBe(true);
    expect(inviteUrl).toMatch(new RegExp(`^${t.ctx.config.publicUrl}/invite/invite\\.${invitation.id}\\.\\d+\\.[\\w-]{43}$`));

    // The email, as the outbox captured it, carries the same link.
    const outbox = await t.api('GET', '/api/outbox');
    const entry = outbox.body.items.find((item: { to: string }) => item.to.includes('editor@example.test'));
    expect(entry, JSON.stringify(outbox.body)).toBeDefined();
    expect(entry.subject).toBe('Join "My workspace" on Ricochet');
    const mail = await t.api('GET', `/api/outbox/${encodeURIComponent(entry.name)}?format=json`);
    expect(mail.body.text).toContain(inviteUrl);
    expect(mail.body.text).toContain('owner@example.test invited you to join the workspace "My workspace" on Ricochet as an editor.');
    expect(mail.body.html).toContain(`href="${inviteUrl}"`);
    const token = tokenOf(mail.body.text.match(/\S+\/invite\/\S+/)[0]);

    expect((await owner.call('GET', '/api/invitations')).body).toEqual([
      { id: invitation.id, email: 'editor@example.test', role: 'editor', expiresAt: invitation.expiresAt, invitedBy: 'owner@example.test' },
    ]);
    expect(await preview(token)).toMatchObject({
      status: 200,
      body: { workspace: { id: t.ctx.workspaceId, name: 'My workspace' }, email: 'editor@example.test', role: 'editor', accountExists: false, expiresAt: invitation.expiresAt },
    });

    const short = await accept(token, 'too-short');
    expect(short.status).toBe(400);
    expect((await short.json()).error).toMatchObject({ code: 'bad_request', path: '$.password' });

    const editor = await browserFrom(t, await accept(token, 'a long enough password'));
    expect(editor.session).toEqual({
      user: { id: expect.any(Number), email: 'editor@example.test' },
      csrfToken: expect.any(String),
      publicUrl: t.ctx.config.publicUrl,
      smsStopText: t.ctx.config.smsStopText,
      workspace: { id: t.ctx.workspaceId, name: 'My workspace', role: 'editor', rights: ['read', 'edit'] },
      workspaces: [{ id: t.ctx.workspaceId, name: 'My workspace', role: 'editor' }],
    });

    // The session works, with exactly the editor's rights.
    expect((await editor.call('GET', '/api/contacts')).status).toBe(200);
    expect((await editor.call('POST', '/api/lists', { name: 'Made by the editor' })).status).toBe(201);
    const send = await editor.call('POST', '/api/campaigns/999999/send', {});
    expect(send.status).toBe(403);
    expect(send.body.error.code).toBe('forbidden');
    expect((await editor.call('GET', '/api/members')).status).toBe(403);
    // The chosen password signs in from now on.
    expect((await post(t, '/api/session', { email: 'editor@example.test', password: 'a long enough password' })).status).toBe(201);

    const members = (await owner.call('GET', '/api/members')).body;
    expect(members.map((m: { email: string; role: string }) => [m.email, m.role])).toEqual([
      ['owner@example.test', 'owner'],
      ['editor@example.test', 'editor'],
    ]);
    expect((await owner.call('GET', '/api/invitations')).body).toEqual([]);

    // Used once.
    expect((await preview(token)).status).toBe(404);
    expect((await accept(token, 'another long password')).status).toBe(404);

    const audit = (await t.api('GET', '/api/audit')).body.items;
    expect(audit.find((e: { action: string }) => e.action === 'member.invite')).toMatchObject({
      actor: { type: 'user', name: 'owner@example.test' },
      objectType: 'invitation',
      objectId: invitation.id,
      details: { email: 'editor@example.test', role: 'editor' },
    });
    expect(audit.find((e: { action: string }) => e.action === 'member.join')).toMatchObject({
      actor: { type: 'user', id: editor.session.user.id, name: 'editor@example.test' },
      objectType: 'user',
      objectId: editor.session.user.id,
      details: { role: 'editor', invitationId: invitation.id },
    });
  });

  it('answers a forged, expired, revoked or replaced link as it answers a used one', async () => {
    const invite = async (email: string) => (await t.api('POST', '/api/members', { email, role: 'viewer' })).body;
    const notFound = { error: { code: 'not_found', message: 'Invitation not found' } };

    const real = tokenOf((await invite('forged@example.test')).inviteUrl);
    const [, id, expiresAt, mac] = real.split('.');
    const forgeries = [
      `invite.${id}.${expiresAt}.${mac!.slice(0, -1)}${mac!.endsWith('A') ? 'B' : 'A'}`, // another MAC
      `invite.${id}.${Number(expiresAt) + DAY}.${mac}`, // a later expiry under the same MAC
      `invite.${Number(id) + 1000}.${expiresAt}.${mac}`, // another invitation under the same MAC
      'not-a-token',
    ];
    for (const forged of forgeries) {
      expect(await preview(forged)).toMatchObject({ status: 404, body: notFound });
      expect(await answer(await accept(forged, 'a long enough password'))).toMatchObject({ status: 404, body: notFound });
    }
    expect((await preview(real)).status).toBe(200);

    t.clock.now = Date.now();
    const expiring = await invite('late@example.test');
    t.clock.advance(7 * DAY - 1);
    expect((await preview(tokenOf(expiring.inviteUrl))).status).toBe(200);
    t.clock.advance(1);
    expect(await preview(tokenOf(expiring.inviteUrl))).toMatchObject({ status: 404, body: notFound });
    expect(await answer(await accept(tokenOf(expiring.inviteUrl), 'a long enough password'))).toMatchObject({ status: 404, body: notFound });
    expect((await t.api('GET', '/api/invitations')).body.map((i: { email: string }) => i.email)).not.toContain('late@example.test');
    t.clock.real();

    const revoked = await invite('revoked@example.test');
    expect((await t.api('DELETE', `/api/invitations/${revoked.invitation.id}`)).status).toBe(204);
    expect((await t.api('GET', '/api/audit')).body.items[0]).toMatchObject({
      action: 'invitation.revoke',
      objectType: 'invitation',
      objectId: revoked.invitation.id,
      details: { email: 'revoked@example.test', role: revoked.invitation.role },
    });
    expect(await preview(tokenOf(revoked.inviteUrl))).toMatchObject({ status: 404, body: notFound });
    expect(await answer(await accept(tokenOf(revoked.inviteUrl), 'a long enough password'))).toMatchObject({ status: 404, body: notFound });
    expect(await t.api('DELETE', `/api/invitations/${revoked.invitation.id}`)).toMatchObject({ status: 404, body: notFound });

    // Inviting the same address again replaces the pending link.
    const first = await invite('twice@example.test');
    const second = await invite('twice@example.test');
    expect((await preview(tokenOf(first.inviteUrl))).status).toBe(404);
    expect((await preview(tokenOf(second.inviteUrl))).status).toBe(200);
    expect((await t.api('GET', '/api/invitations')).body.filter((i: { email: string }) => i.email === 'twice@example.test')).toHaveLength(1);
  });

  it('refuses to invite a member again, or what is not an address', async () => {
    const again = await owner.call('POST', '/api/members', { email: 'OWNER@example.test', role: 'admin' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
    const nonsense = await owner.call('POST', '/api/members', { email: 'not an address', role: 'viewer' });
    expect(nonsense.status).toBe(400);
    expect(nonsense.body.error.path).toBe('$.email');
  });

  it('shows the invitation email only to those who may manage members', async () => {
    const editorKey = await t.api('POST', '/api/api-keys', { name: 'editor script', role: 'editor' });
    const asEditor = t.apiWith(editorKey.body.key);
    const names = (await t.api('GET', '/api/outbox')).body.items.filter((i: { subject: string }) => i.subject.startsWith('Join ')).map((i: { name: string }) => i.name);
    expect(names.length).toBeGreaterThan(0);
    expect((await asEditor('GET', '/api/outbox')).body.items.map((i: { name: string }) => i.name)).not.toEqual(expect.arrayContaining([names[0]]));
    expect((await asEditor('GET', `/api/outbox/${encodeURIComponent(names[0])}?format=json`)).status).toBe(404);
  });
});
