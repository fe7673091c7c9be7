import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { createScenario } from '../../test/support/trackingScenario.js';

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.UTC(2026, 8, 1, 10, 0, 0);

describeEachDatabase('campaign stats', (kind) => {
  let t: TestApp;
  const hit = (path: string, ua: string, at: number) => {
    t.clock.now = at;
    return fetch(t.baseUrl + path, { redirect: 'manual', headers: { 'user-agent': ua } }).then((r) => r.status);
  };

  beforeAll(async () => {
    t = await startTestApp(kind);
    t.clock.now = T0;
  });
  afterAll(() => t.close());

  it('reports the overview, links, timeline and breakdown of an email campaign', async () => {
    const s = await createScenario(t.ctx, { recipients: 5, withoutConsent: 1, deliveredAt: T0, links: ['https://shop.example/a', 'https://shop.example/b'] });
    const skipped = await t.ctx.store.db
      .insertInto('contacts')
      .values({ workspace_id: t.ctx.workspaceId, email: `skipped.${s.campaignId}@example.org`, fields: t.ctx.store.dialect.writeJson({}), email_status: 'unsubscribed', created_at: T0, updated_at: T0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.ctx.store.db.insertInto('messages').values({ campaign_id: s.campaignId, contact_id: skipped.id, status: 'skipped', skip_reason: 'unsubscribed' }).execute();

    expect(await hit(`/t/o/${s.token(3, 'open')}`, 'Mozilla/5.0', T0 + MINUTE)).toBe(200); // Apple's privacy proxy
    expect(await hit(`/t/o/${s.token(1, 'open')}`, IPHONE, T0 + 10 * MINUTE)).toBe(200);
    expect(await hit(`/t/c/${s.token(1, 'click', 1)}`, IPHONE, T0 + 20 * MINUTE)).toBe(302);
    expect(await hit(`/t/c/${s.token(2, 'click', 2)}`, CHROME, T0 + 3 * HOUR + 5 * MINUTE)).toBe(302); // never loaded the pixel
    expect(await hit(`/t/o/${s.token(0, 'open')}`, CHROME, T0 + 50 * HOUR)).toBe(200); // no tracking consent
    expect(await hit(`/t/c/${s.token(0, 'click', 1)}`, CHROME, T0 + 50 * HOUR + MINUTE)).toBe(302);
    t.clock.now = T0 + 51 * HOUR;
    const unsubscribe = await fetch(`${t.baseUrl}/u/${s.token(2, 'unsubscribe')}`, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(unsubscribe.status).toBe(200);
    expect((await t.api('POST', '/api/webhooks/bounces', { messageId: s.messages[4]!.id, type: 'hard' })).status).toBe(200);

    await t.folded();
    const { status, body } = await t.api('GET', `/api/campaigns/${s.campaignId}/stats`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      campaignId: s.campaignId,
      channel: 'email',
      recipients: 6,
      sent: 5,
      received: 4,
      skipped: 1,
      bounced: { hard: 1, soft: 0 },
      opens: { total: 3, human: 2, unique: 3, humanUnique: 2, anonymous: 1 },
      clicks: { total: 3, human: 3, unique: 2, humanUnique: 2, anonymous: 1 },
      unsubscribed: 1,
      complained: 0,
      rates: { open: 0.75, click: 0.5, clickToOpen: 2 / 3 },
      humanRates: { open: 0.5, click: 0.5, clickToOpen: 1 },
    });
    expect(body.links).toEqual([
      { id: s.links[0]!.id, position: 1, url: 'https://shop.example/a', clicks: 2, humanClicks: 2, uniqueClickers: 1, humanUniqueClickers: 1 },
      { id: s.links[1]!.id, position: 2, url: 'https://shop.example/b', clicks: 1, humanClicks: 1, uniqueClickers: 1, humanUniqueClickers: 1 },
    ]);

    // Hourly for 48 hours from the hour the send started, then daily, up to now.
    expect(body.timeline).toHaveLength(49);
    expect(body.timeline[0]).toEqual({ at: '2026-09-01T10:00:00.000Z', span: 'hour', opens: 2, clicks: 1, humanOpens: 1, humanClicks: 1 });
    expect(body.timeline[3]).toEqual({ at: '2026-09-01T13:00:00.000Z', span: 'hour', opens: 0, clicks: 1, humanOpens: 0, humanClicks: 1 });
    expect(body.timeline[47]).toMatchObject({ at: '2026-09-03T09:00:00.000Z', span: 'hour', opens: 0, clicks: 0 });
    expect(body.timeline[48]).toEqual({ at: '2026-09-03T10:00:00.000Z', span: 'day', opens: 1, clicks: 1, humanOpens: 1, humanClicks: 1 });
    const sum = (key: 'opens' | 'clicks') => body.timeline.reduce((total: number, b: any) => total + b[key], 0);
    expect([sum('opens'), sum('clicks')]).toEqual([3, 3]);

    expect(body.breakdown.devices).toEqual([
      { name: 'desktop', opens: 1, clicks: 2 },
      { name: 'mobile', opens: 1, clicks: 1 },
      { name: 'unknown', opens: 1, clicks: 0 },
    ]);
    expect(body.breakdown.clients).toEqual(
      expect.arrayContaining([
        { name: 'Chrome', opens: 1, clicks: 2 },
        { name: 'Apple Mail', opens: 1, clicks: 1 },
        { name: 'Apple Mail (Privacy Protection)', opens: 1, clicks: 0 },
      ]),
    );
    expect(body.breakdown.os).toEqual(expect.arrayContaining([{ name: 'Windows', opens: 1, clicks: 2 }, { name: 'iOS', opens: 1, clicks: 1 }]));
    // People only: the privacy proxy's open is left out of every breakdown.
    expect(body.breakdown.human.devices).toEqual([
      { name: 'desktop', opens: 1, clicks: 2 },
      { name: 'mobile', opens: 1, clicks: 1 },
    ]);
    expect(body.breakdown.human.clients.map((c: any) => c.name)).not.toContain('Apple Mail (Privacy Protection)');
  });

  it('reports an SMS campaign without opens, received from delivery receipts', async () => {
    t.clock.now = T0;
    const s = await createScenario(t.ctx, { channel: 'sms', recipients: 3, deliveredAt: T0, links: ['https://shop.example/sms'] });
    await t.ctx.store.db.updateTable('messages').set({ status: 'sent', delivered_at: null }).where('id', '=', s.messages[2]!.id).execute();
    await t.ctx.store.db.insertInto('sms_short_links').values({ code: `smsCode${s.campaignId}`, message_id: s.messages[0]!.id, campaign_id: s.campaignId, link_id: s.links[0]!.id }).execute();
    expect(await hit(`/s/smsCode${s.campaignId}`, IPHONE, T0 + HOUR)).toBe(302);
    await t.folded();
    const { body } = await t.api('GET', `/api/campaigns/${s.campaignId}/stats`);
    expect(body).toMatchObject({
      channel: 'sms',
      sent: 3,
      received: 2,
      opens: { total: 0, unique: 0, humanUnique: 0 },
      clicks: { total: 1, unique: 1, humanUnique: 1 },
      rates: { open: null, click: 0.5, clickToOpen: null },
    });
    expect(body.timeline[1]).toMatchObject({ opens: 0, clicks: 1 });
  });

  it('answers zero rates for a campaign that reached nobody, and 404 for an unknown one', async () => {
    const s = await createScenario(t.ctx, { recipients: 0 });
    await t.folded();
    const { body } = await t.api('GET', `/api/campaigns/${s.campaignId}/stats`);
    expect(body).toMatchObject({ sent: 0, received: 0, rates: { open: 0, click: 0, clickToOpen: 0 }, links: [{ clicks: 0, uniqueClickers: 0 }, { clicks: 0 }] });
    expect(await t.api('GET', '/api/campaigns/999999/stats')).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect(await t.api('GET', '/api/campaigns/abc/stats')).toMatchObject({ status: 400 });
    expect((await fetch(`${t.baseUrl}/api/campaigns/${s.campaignId}/stats`)).status).toBe(401);
  });
});
