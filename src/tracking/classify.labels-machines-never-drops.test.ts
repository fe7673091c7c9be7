import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { labelRequest, type RequestSignals } from './classify.js';
import { storedIp } from '../http/clientAddress.js';
import { countersFromEvents, createScenario, storedCounters } from '../../test/support/trackingScenario.js';

const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const OUTLOOK = 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17029; Pro)';
const APPLE_MAIL = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)';

describe('labelling one request', () => {
  const label = (userAgent: string | null, extra: Partial<RequestSignals> = {}) =>
    labelRequest({ type: 'click', head: false, userAgent, honeypot: false, sinceDelivery: 3_600_000, ...extra });

  it.each([
    [CHROME, 'click', true, 'browser'],
    [OUTLOOK, 'open', true, 'browser'],
    [APPLE_MAIL, 'open', true, 'browser'],
    ['Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)', 'open', true, 'google-image-proxy'],
    ['Mozilla/5.0', 'open', false, 'apple-mail-privacy-protection'],
    ['Mozilla/5.0', 'click', false, 'bare-user-agent'],
    ['python-requests/2.31.0', 'click', false, 'scanner:http-library'],
    ['curl/8.5.0', 'click', false, 'scanner:http-library'],
    ['Microsoft Office Existence Discovery', 'click', false, 'scanner:microsoft'],
    ['Mozilla/5.0 (compatible; Proofpoint URL Defense)', 'click', false, 'scanner:proofpoint'],
    ['Mimecast URL Protect', 'click', false, 'scanner:mimecast'],
    ['Barracuda Sentinel (EE)', 'click', false, 'scanner:barracuda'],
    ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'click', false, 'bot-user-agent'],
    [null, 'click', false, 'no-user-agent'],
  ] as const)('%s (%s) → human %s, %s', (userAgent, type, human, reason) => {
    expect(label(userAgent, { type })).toEqual({ human, reason });
  });

  it('labels HEAD requests, honeypot clicks and clicks seconds after delivery', () => {
    expect(label(CHROME, { head: true })).toEqual({ human: false, reason: 'head-request' });
    expect(label(CHROME, { honeypot: true })).toEqual({ human: false, reason: 'honeypot-link' });
    expect(label(CHROME, { sinceDelivery: 4_000 })).toEqual({ human: false, reason: 'click-seconds-after-delivery' });
    expect(label(CHROME, { sinceDelivery: 4_000, type: 'open' })).toEqual({ human: true, reason: 'browser' });
    expect(label(CHROME, { sinceDelivery: null })).toEqual({ human: true, reason: 'browser' });
  });

  it('keeps only the network of an address unless told to keep it all', () => {
    expect(storedIp('198.51.100.23', false)).toBe('198.51.100.0');
    expect(storedIp('::ffff:198.51.100.23', false)).toBe('198.51.100.0');
    expect(storedIp('2001:0db8:00ab:1234:5678::1', false)).toBe('2001:db8:ab::');
    expect(storedIp('2001:db8::1', false)).toBe('2001:db8:0::');
    expect(storedIp('198.51.100.23', true)).toBe('198.51.100.23');
    expect(storedIp(undefined, false)).toBeNull();
  });
});

describeEachDatabase('scanner bursts', (kind) => {
  let t: TestApp;
  const click = (token: string, ua = CHROME) => fetch(`${t.baseUrl}/t/c/${token}`, { redirect: 'manual', headers: { 'user-agent': ua } }).then((r) => r.status);
  // The labels once the folder has applied the burst rules.
  const labels = async (messageId: number) => {
    await t.folded();
    return t.ctx.store.db.selectFrom('events').select(['link_id', 'human', 'reason']).where('message_id', '=', messageId).orderBy('id').execute();
  };

  beforeAll(async () => {
    t = await startTestApp(kind);
    t.clock.now = Date.UTC(2026, 8, 1, 12, 0, 0);
  });
  afterAll(() => t.close());

  it('relabels a click once another link of the same message is clicked within the second', async () => {
    const s = await createScenario(t.ctx, { recipients: 2, links: ['https://shop.example/a', 'https://shop.example/b'] });
    const [a, b] = s.links;
    expect(await click(s.token(0, 'click', 1))).toBe(302);
    expect(await labels(s.messages[0]!.id)).toEqual([{ link_id: a!.id, human: 1, reason: 'browser' }]);
    t.clock.advance(400);
    expect(await click(s.token(0, 'click', 2))).toBe(302);
    expect(await labels(s.messages[0]!.id)).toEqual([
      { link_id: a!.id, human: 0, reason: 'links-clicked-same-second' },
      { link_id: b!.id, human: 0, reason: 'links-clicked-same-second' },
    ]);
    // The same link twice within a second is a double click, not a scanner: the first click stays human, the second is a repeat.
    await click(s.token(1, 'click', 1));
    t.clock.advance(300);
    await click(s.token(1, 'click', 1));
    expect((await labels(s.messages[1]!.id)).map((e) => [e.human, e.reason])).toEqual([
      [1, 'browser'],
      [0, 'repeat'],
    ]);
    expect(await storedCounters(t.ctx, s.campaignId)).toEqual(await countersFromEvents(t.ctx, s.campaignId));
    const message = await t.ctx.store.db.selectFrom('messages').selectAll().where('id', '=', s.messages[0]!.id).executeTakeFirstOrThrow();
    expect(message).toMatchObject({ clicks: 2, human_clicks: 0, first_human_click_at: null, first_human_open_at: null });
  });

  it('makes every click of a honeypot burst machine, before and after the honeypot, and keeps them all', async () => {
    const s = await createScenario(t.ctx, { recipients: 1, links: ['https://shop.example/a', 'https://shop.example/b'] });
    t.clock.advance(60_000);
    await click(s.token(0, 'click', 1));
    t.clock.advance(3_000);
    expect(await click(s.token(0, 'click', 3))).toBe(302); // the honeypot
    t.clock.advance(3_000);
    await click(s.token(0, 'click', 2));
    t.clock.advance(60_000);
    await click(s.token(0, 'click', 2)); // a person, a minute later
    expect((await labels(s.messages[0]!.id)).map((e) => [e.human, e.reason])).toEqual([
      [0, 'honeypot-burst'],
      [0, 'honeypot-link'],
      [0, 'honeypot-burst'],
      [1, 'browser'],
    ]);
    expect(await storedCounters(t.ctx, s.campaignId)).toEqual(await countersFromEvents(t.ctx, s.campaignId));
    const stats = await t.api('GET', `/api/campaigns/${s.campaignId}/stats`);
    expect(stats.body.clicks).toMatchObject({ total: 4, human: 1, unique: 1, humanUnique: 1 });
    expect(stats.body.links.map((l: any) => l.url)).toEqual(['https://shop.example/a', 'https://shop.example/b']);
  });

  it('labels a click seconds after delivery as a scanner', async () => {
    const s = await createScenario(t.ctx, { recipients: 1, deliveredAt: t.clock.now - 2_000 });
    await click(s.token(0, 'click', 1));
    expect(await labels(s.messages[0]!.id)).toMatchObject([{ human: 0, reason: 'click-seconds-after-delivery' }]);
  });
});
