import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { createScenario } from '../../test/support/trackingScenario.js';

const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

describeEachDatabase('repeated hits of one token from one address', (kind) => {
  let t: TestApp;
  const get = (path: string, from: string) => fetch(t.baseUrl + path, { redirect: 'manual', headers: { 'user-agent': CHROME, 'x-forwarded-for': from } });
  const events = (messageId: number) =>
    t.ctx.store.db.selectFrom('events').select(['type', 'human', 'reason', 'ip']).where('message_id', '=', messageId).orderBy('id').execute();
  const counters = (messageId: number) =>
    t.ctx.store.db.selectFrom('messages').select(['opens', 'human_opens', 'clicks', 'human_clicks']).where('id', '=', messageId).executeTakeFirstOrThrow();

  beforeAll(async () => {
    t = await startTestApp(kind, { TRUST_PROXY: 'true' });
    t.clock.now = Date.UTC(2026, 8, 1, 10, 0, 0);
  });
  afterAll(() => t.close());

  it('records 50 hits of one open pixel from one address as 50 events, only the first of them human', async () => {
    const s = await createScenario(t.ctx, { recipients: 1 });
    const pixel = `/t/o/${s.token(0, 'open')}`;
    // A loop on the pixel: 50 loads 100 ms apart, 5 seconds in all.
    for (let i = 0; i < 50; i++) {
      expect((await get(pixel, '198.51.100.7')).status).toBe(200);
      t.clock.advance(100);
    }
    const recorded = await events(s.messages[0]!.id);
    expect(recorded).toHaveLength(50);
    expect(recorded.filter((e) => e.human === 1)).toHaveLength(1);
    expect(recorded[0]).toEqual({ type: 'open', human: 1, reason: 'browser', ip: '198.51.100.0' });
    expect(new Set(recorded.slice(1).map((e) => e.reason))).toEqual(new Set(['repeat']));
    await t.folded();
    expect(await counters(s.messages[0]!.id)).toMatchObject({ opens: 50, human_opens: 1 });
    await t.folded();
    const stats = (await t.api('GET', `/api/campaigns/${s.campaignId}/stats`)).body;
    expect(stats.opens).toMatchObject({ total: 50, human: 1, humanUnique: 1 });
  });

  it('keeps a hit from another address, or after a pause, human; a link clicked twice in a second counts once as human', async () => {
    const s = await createScenario(t.ctx, { recipients: 1 });
    const pixel = `/t/o/${s.token(0, 'open')}`;
    await get(pixel, '198.51.100.7');
    await get(pixel, '203.0.113.9');
    t.clock.advance(2_000);
    await get(pixel, '198.51.100.7');

    const link = `/t/c/${s.token(0, 'click', 1)}`;
    t.clock.advance(60_000);
    expect((await get(link, '198.51.100.7')).status).toBe(302);
    t.clock.advance(300);
    expect((await get(link, '198.51.100.7')).status).toBe(302);

    expect((await events(s.messages[0]!.id)).map((e) => [e.type, e.human, e.reason])).toEqual([
      ['open', 1, 'browser'],
      ['open', 1, 'browser'],
      ['open', 1, 'browser'],
      ['click', 1, 'browser'],
      ['click', 0, 'repeat'],
    ]);
    await t.folded();
    expect(await counters(s.messages[0]!.id)).toEqual({ opens: 3, human_opens: 3, clicks: 2, human_clicks: 1 });
  });
});
