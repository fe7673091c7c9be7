import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { createUser } from './users.js';

describeEachDatabase('parallel sign-in guesses', (kind) => {
  let t: TestApp;
  let password: string;
  beforeAll(async () => {
    t = await startTestApp(kind);
    password = (await createUser(t.ctx.store, 'owner@example.test', Date.now())).password;
  });
  afterAll(() => t.close());

  const signIn = (email: string, pass: string) =>
    fetch(`${t.baseUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: pass }) });

  it('checks at most five of 100 simultaneous wrong passwords for one email; the others are refused unchecked', async () => {
    t.clock.now = Date.parse('2026-03-01T10:00:00Z');
    const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => signIn('owner@example.test', `guess-${i}`)));
    const bodies = await Promise.all(responses.map((r) => r.json()));
    const statuses = responses.map((r) => r.status);
    // A 401 is a password that was checked (and found wrong); a 429 was refused before any check.
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(95);
    expect(new Set(bodies.filter((_, i) => statuses[i] === 429).map((b) => b.error.code))).toEqual(new Set(['too_many_attempts']));
    expect((await signIn('owner@example.test', password)).status).toBe(429);
  });

  it('does not count successful sign-ins against the address', async () => {
    t.clock.advance(60 * 60_000);
    for (let i = 0; i < 25; i++) expect((await signIn('owner@example.test', password)).status).toBe(201);
    expect((await signIn('owner@example.test', 'wrong')).status).toBe(401);
  });
});
