import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { PIXEL } from './pages.js';
import { createScenario, type Scenario } from '../../test/support/trackingScenario.js';
import { signer } from './tokens.js';

/** Runs `count` requests through `concurrency` parallel lanes; returns each response's status. */
async function hammer(count: number, concurrency: number, request: (i: number) => Promise<Response>): Promise<number[]> {
  const statuses: number[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const response = await request(i);
        await response.arrayBuffer();
        statuses[i] = response.status;
      }
    }),
  );
  return statuses;
}

describeEachDatabase('forged, truncated and swapped tokens', (kind) => {
  let t: TestApp;
  let s: Scenario;
  const get = (path: string, method = 'GET') => fetch(t.baseUrl + path, { method, redirect: 'manual' });
  const countEvents = async () => Number((await t.ctx.store.db.selectFrom('events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    t = await startTestApp(kind);
    s = await createScenario(t.ctx, { recipients: 3 });
  });
  afterAll(() => t.close());

  it('gives a 404 page for clicks and the GIF for opens, and records nothing', async () => {
    const click = s.token(1, 'click', 1);
    const open = s.token(1, 'open');
    const flip = (token: string, index: number) => token.slice(0, index) + (token[index] === 'A' ? 'B' : 'A') + token.slice(index + 1);
    const otherSecret = signer(Buffer.from('a-different-secret-a-different-secret'), s.messages[1]!.id);
    const forgedClicks = [
      click.slice(0, -1), // truncated
      click + 'A', // padded
      flip(click, 5), // another message id
      flip(click, 12), // another link
      flip(click, 20), // tag
      otherSecret.token('click', 1), // signed with another key
      s.token(2, 'click', 1).slice(0, 14) + click.slice(14), // recipient swapped: message 2's payload, message 1's tag
      open, // an open token is not a click
      s.token(1, 'unsubscribe'), // an unsubscribe token is not a click
      s.token(1, 'click', 0), // no link
      '../../../etc/passwd',
      '%3Cscript%3E',
    ];
    for (const token of forgedClicks) {
      const response = await get(`/t/c/${token}`);
      expect(response.status, token).toBe(404);
      expect(response.headers.get('location')).toBeNull();
    }
    for (const token of [open.slice(0, -2), flip(open, 3), otherSecret.token('open'), click, s.token(1, 'unsubscribe')]) {
      const response = await get(`/t/o/${token}`);
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(PIXEL)).toBe(true);
    }
    expect(await countEvents()).toBe(0);
    // The genuine ones still work.
    expect((await get(`/t/c/${click}`)).status).toBe(302);
    expect(await countEvents()).toBe(1);
  });

  it('answers 10,000 random tokens with no redirect and no server error', async () => {
    const before = await countEvents();
    const paths = ['/t/c/', '/t/o/', '/u/', '/s/'];
    const statuses = await hammer(10_000, 50, (i) => {
      const length = i % 7 === 0 ? 1 + (i % 60) : 30;
      return get(paths[i % paths.length]! + randomBytes(length).toString('base64url').slice(0, length), i % 11 === 0 ? 'HEAD' : 'GET');
    });
    expect(statuses.filter((status) => status >= 300 && status < 400)).toEqual([]);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(new Set(statuses)).toEqual(new Set([200, 404]));
    expect(await countEvents()).toBe(before);
    const unsubscribed = await t.ctx.store.db.selectFrom('contacts').select('id').where('email_status', '<>', 'subscribed').execute();
    expect(unsubscribed).toEqual([]);
  });
});
