import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { SESSION_LIFETIME_MS } from './sessions.js';
import { createUser } from './users.js';

describeEachDatabase('Web sessions', (kind) => {
  let t: TestApp;
  let password: string;
  beforeAll(async () => {
    t = await startTestApp(kind);
    ({ password } = await createUser(t.ctx.store, 'Ada@Example.com', t.ctx.now()));
  });
  afterAll(() => t.close());

  const signIn = (email: string, pass: string) =>
    fetch(`${t.baseUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: pass }) });
  const cookieOf = (response: Response) => response.headers.get('set-cookie')!.split(';')[0]!;
  const withCookie = (cookie: string, method = 'GET', path = '/api/lists', extra: Record<string, string> = {}, body?: unknown) =>
    fetch(`${t.baseUrl}${path}`, {
      method,
      headers: { cookie, ...(body !== undefined && { 'content-type': 'application/json' }), ...extra },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('refuses a wrong password and an unknown email with the same answer', async () => {
    const wrong = await signIn('ada@example.com', 'not-the-password');
    const unknown = await signIn('nobody@example.com', password);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });

  it('signs in with any case of the email and sets an HttpOnly, SameSite=Strict cookie', async () => {
    const response = await signIn('  ADA@example.com ', password);
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body.user.email).toBe('ada@example.com');
    expect(body.csrfToken).toMatch(/^[\w-]{40,}$/);
    const cookie = response.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^ricochet_session=[\w-]{40,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).not.toContain('Secure'); // served over plain http here
  });

  it('lets a session read the API, and write only with its CSRF token', async () => {
    const response = await signIn('ada@example.com', password);
    const { csrfToken } = await response.json();
    const cookie = cookieOf(response);

    expect((await withCookie(cookie)).status).toBe(200);
    const noToken = await withCookie(cookie, 'POST', '/api/lists', {}, { name: 'Newsletter' });
    expect(noToken.status).toBe(403);
    expect((await noToken.json()).error.code).toBe('csrf_failed');
    const wrongToken = await withCookie(cookie, 'POST', '/api/lists', { 'x-csrf-token': csrfToken.replace(/./, 'x') }, { name: 'Newsletter' });
    expect(wrongToken.status).toBe(403);
    expect((await t.api('GET', '/api/lists')).body).toEqual([]);

    const created = await withCookie(cookie, 'POST', '/api/lists', { 'x-csrf-token': csrfToken }, { name: 'Newsletter' });
    expect(created.status).toBe(201);
    expect((await created.json()).name).toBe('Newsletter');

    const current = await withCookie(cookie, 'GET', '/api/session');
    const workspace = { id: t.ctx.workspaceId, name: 'My workspace', role: 'owner' };
    expect(await current.json()).toEqual({
      user: { id: expect.any(Number), email: 'ada@example.com' },
      csrfToken,
      publicUrl: t.ctx.config.publicUrl,
      smsStopText: t.ctx.config.smsStopText,
      workspace: { ...workspace, rights: ['read', 'edit', 'send', 'export', 'manage'] },
      workspaces: [workspace],
    });
  });

  it('keeps API keys working, and never takes a CSRF token from a key user', async () => {
    const created = await t.api('POST', '/api/lists', { name: 'Scripted' });
    expect(created.status).toBe(201);
  });

  it('ends the session on sign-out and when it expires', async () => {
    const first = await signIn('ada@example.com', password);
    const { csrfToken } = await first.json();
    const cookie = cookieOf(first);
    const out = await withCookie(cookie, 'DELETE', '/api/session', { 'x-csrf-token': csrfToken });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await withCookie(cookie)).status).toBe(401);

    const second = cookieOf(await signIn('ada@example.com', password));
    expect((await withCookie(second)).status).toBe(200);
    t.clock.advance(SESSION_LIFETIME_MS + 1);
    expect((await withCookie(second)).status).toBe(401);
    t.clock.real();
  });

  it('stores only hashes: neither the password nor the session token is in the database', async () => {
    const response = await signIn('ada@example.com', password);
    const token = cookieOf(response).split('=')[1]!;
    const user = await t.ctx.store.db.selectFrom('users').select('password_hash').executeTakeFirstOrThrow();
    expect(user.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(user.password_hash).not.toContain(password);
    const sessions = await t.ctx.store.db.selectFrom('sessions').select('id').execute();
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.every((s) => /^[0-9a-f]{64}$/.test(s.id) && s.id !== token)).toBe(true);
  });
});

describe('users', () => {
  it('refuses a second user with the same email in another case', async () => {
    const t = await startTestApp('sqlite');
    try {
      await createUser(t.ctx.store, 'grace@example.com', 0);
      await expect(createUser(t.ctx.store, 'GRACE@example.com', 0)).rejects.toThrow(/already exists/);
    } finally {
      await t.close();
    }
  });
});
