import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { createUser } from './users.js';

describeEachDatabase('sign-in throttling', (kind) => {
  let t: TestApp;
  let password: string;
  beforeAll(async () => {
    t = await startTestApp(kind);
    password = (await createUser(t.ctx.store, 'owner@example.test', Date.now())).password;
  });
  afterAll(() => t.close());

  const signIn = (email: string, pass: string) =>
    fetch(`${t.baseUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: pass }) });

  it('refuses even the right password after five failures, says when to retry, and lets it through after the window', async () => {
    t.clock.now = Date.parse('2026-03-01T10:00:00Z');
    for (let i = 0; i < 5; i++) expect((await signIn('owner@example.test', `wrong-${i}`)).status).toBe(401);
    const blocked = await signIn('OWNER@example.test', password);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBe(15 * 60);
    expect((await blocked.json()).error.code).toBe('too_many_attempts');

    t.clock.advance(15 * 60_000 + 1);
    expect((await signIn('owner@example.test', password)).status).toBe(201);
  });

  it('forgets failures after a successful sign-in', async () => {
    t.clock.advance(60 * 60_000);
    for (let i = 0; i < 4; i++) await signIn('owner@example.test', `wrong-${i}`);
    expect((await signIn('owner@example.test', password)).status).toBe(201);
    for (let i = 0; i < 4; i++) expect((await signIn('owner@example.test', `again-${i}`)).status).toBe(401);
    expect((await signIn('owner@example.test', password)).status).toBe(201);
  });
});
