import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { countersFromEvents, createScenario, storedCounters } from '../../test/support/trackingScenario.js';

const BROWSER = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

describeEachDatabase('1,000 concurrent clicks', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(() => t.close());

  it('all get their redirect, all become events, and the counters agree with them', async () => {
    const s = await createScenario(t.ctx, { recipients: 600, links: ['https://shop.example/a', 'https://shop.example/b', 'https://shop.example/c', 'https://shop.example/d'] });
    // 500 recipients click one link once; 100 click every link (and the honeypot) at once, like a scanner.
    const clicks = [
      ...Array.from({ length: 500 }, (_, i) => ({ index: i, position: 1 })),
      ...Array.from({ length: 500 }, (_, i) => ({ index: 500 + (i % 100), position: 1 + Math.floor(i / 100) })),
    ];
    const responses = await Promise.all(
      clicks.map(async ({ index, position }) => {
        const response = await fetch(`${t.baseUrl}/t/c/${s.token(index, 'click', position)}`, { redirect: 'manual', headers: { 'user-agent': BROWSER } });
        await response.arrayBuffer();
        return [response.status, response.headers.get('location')];
      }),
    );
    expect(responses.filter(([status]) => status === 302)).toHaveLength(1000);
    expect(responses.slice(0, 500).every(([, location]) => location === 'https://shop.example/a')).toBe(true);

    await t.folded();
    const events = await t.ctx.store.db.selectFrom('events').select(['message_id', 'human', 'reason']).where('campaign_id', '=', s.campaignId).execute();
    expect(events).toHaveLength(1000);
    const scannerIds = new Set(s.messages.slice(500).map((m) => m.id));
    // Every recipient that clicked five links in the same second is labelled machine (by the folder, which sees all their clicks); the others human.
    expect(events.filter((e) => scannerIds.has(e.message_id!)).every((e) => e.human === 0)).toBe(true);
    expect(events.filter((e) => !scannerIds.has(e.message_id!)).every((e) => e.human === 1)).toBe(true);

    const stored = await storedCounters(t.ctx, s.campaignId);
    expect(stored).toEqual(await countersFromEvents(t.ctx, s.campaignId));
    const total = Object.values(stored.messages).reduce((sum, m) => sum + m.clicks!, 0);
    expect(total).toBe(1000);
    expect(Object.values(stored.links).reduce((sum, l) => sum + l.clicks, 0)).toBe(1000);
  });
});
