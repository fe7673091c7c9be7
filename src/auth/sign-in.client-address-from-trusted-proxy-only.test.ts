import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { createScenario } from '../../test/support/trackingScenario.js';

const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

describeEachDatabase('client address and X-Forwarded-For', (kind) => {
  let direct: TestApp;
  let behindProxy: TestApp;
  beforeAll(async () => {
    direct = await startTestApp(kind);
    behindProxy = await startTestApp(kind, { TRUST_PROXY: '127.0.0.1' });
  });
  afterAll(async () => {
    await direct?.close();
    await behindProxy?.close();
  });

  /** 25 wrong sign-ins, each for another email and claiming another forwarded address. */
  const signInFromForgedAddresses = async (t: TestApp) => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      const response = await fetch(`${t.baseUrl}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${i + 1}` },
        body: JSON.stringify({ email: `user${i}@example.test`, password: 'wrong' }),
      });
      statuses.push(response.status);
    }
    return statuses;
  };

  const openIp = async (t: TestApp) => {
    const s = await createScenario(t.ctx, { recipients: 1 });
    const response = await fetch(`${t.baseUrl}/t/o/${s.token(0, 'open')}`, { headers: { 'user-agent': BROWSER, 'x-forwarded-for': '203.0.113.77' } });
    expect(response.status).toBe(200);
    const event = await t.ctx.store.db.selectFrom('events').select('ip').where('message_id', '=', s.messages[0]!.id).executeTakeFirstOrThrow();
    return event.ip;
  };

  it('by default ignores X-Forwarded-For: a new forged address per guess still meets the limit of 20 per address', async () => {
    const statuses = await signInFromForgedAddresses(direct);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual(Array(5).fill(429));
  });

  it('by default records the network of the connection on a tracking event, not the forged one', async () => {
    expect(await openIp(direct)).toBe('127.0.0.0');
  });

  it('with TRUST_PROXY naming the proxy, takes the client address it forwards', async () => {
    expect(await signInFromForgedAddresses(behindProxy)).toEqual(Array(25).fill(401));
    expect(await openIp(behindProxy)).toBe('203.0.113.0');
  });
});
