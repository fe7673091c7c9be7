import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { PIXEL } from './pages.js';
import { createScenario, type Scenario } from '../../test/support/trackingScenario.js';
import { signer } from './tokens.js';

const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

describeEachDatabase('tracked opens and clicks', (kind) => {
  let t: TestApp;
  let s: Scenario;
  const get = (path: string, init: RequestInit & { ua?: string; forwardedFor?: string } = {}) =>
    fetch(t.baseUrl + path, {
      redirect: 'manual',
      ...init,
      headers: { 'user-agent': init.ua ?? BROWSER, ...(init.forwardedFor && { 'x-forwarded-for': init.forwardedFor }) },
    });
  const eventsOf = (messageId: number) => t.ctx.store.db.selectFrom('events').selectAll().where('message_id', '=', messageId).orderBy('id').execute();
  const message = (id: number) => t.ctx.store.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  beforeAll(async () => {
    // As behind a reverse proxy on this machine: the tests give client addresses in X-Forwarded-For.
    t = await startTestApp(kind, { TRUST_PROXY: '127.0.0.1' });
    t.clock.now = Date.UTC(2026, 8, 1, 10, 0, 0);
    s = await createScenario(t.ctx, { recipients: 6, withoutConsent: 1, links: ['https://shop.example/spring?utm=mail&a=1', 'https://shop.example/about', 'javascript:alert(1)'] });
  });
  afterAll(() => t.close());

  it('answers the pixel with the 43-byte GIF, no-store, and records a human open with its network only', async () => {
    const m = s.messages[1]!;
    const response = await get(`/t/o/${s.token(1, 'open')}`, { forwardedFor: '203.0.113.77' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/gif');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.length).toBe(43);
    expect(body.equals(PIXEL)).toBe(true);

    const events = await eventsOf(m.id);
    expect(events).toMatchObject([{ type: 'open', campaign_id: s.campaignId, link_id: null, human: 1, reason: 'browser', ip: '203.0.113.0', user_agent: BROWSER, at: t.clock.now }]);
    await t.folded();
    expect(await message(m.id)).toMatchObject({ opens: 1, human_opens: 1, clicks: 0, first_open_at: t.clock.now, last_open_at: t.clock.now, first_human_open_at: t.clock.now });
  });

  it('redirects a click to the stored URL and counts it on the message and the link; a click implies an open', async () => {
    const m = s.messages[2]!;
    t.clock.advance(60_000);
    const response = await get(`/t/c/${s.token(2, 'click', 1)}`, { forwardedFor: '2001:db8:abcd:12::1' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://shop.example/spring?utm=mail&a=1');
    expect(response.headers.get('cache-control')).toBe('no-store');

    const [event] = await eventsOf(m.id);
    expect(event).toMatchObject({ type: 'click', link_id: s.links[0]!.id, human: 1, ip: '2001:db8:abcd::' });
    // Never loaded the pixel: no open counted, but the click dates the (implied) open.
    await t.folded();
    expect(await message(m.id)).toMatchObject({
      opens: 0, clicks: 1, human_clicks: 1,
      first_open_at: t.clock.now, first_human_open_at: t.clock.now, first_click_at: t.clock.now, last_human_click_at: t.clock.now,
    });
    const links = await t.ctx.store.db.selectFrom('message_links').selectAll().where('message_id', '=', m.id).execute();
    expect(links).toMatchObject([{ link_id: s.links[0]!.id, campaign_id: s.campaignId, clicks: 1, human_clicks: 1, first_click_at: t.clock.now }]);

    t.clock.advance(30_000);
    expect((await get(`/t/c/${s.token(2, 'click', 1)}`)).status).toBe(302);
    await t.folded();
    expect(await message(m.id)).toMatchObject({ clicks: 2, human_clicks: 2, last_click_at: t.clock.now, first_click_at: t.clock.now - 30_000 });
    expect((await t.ctx.store.db.selectFrom('message_links').select('clicks').where('message_id', '=', m.id).executeTakeFirstOrThrow()).clicks).toBe(2);
  });

  it('labels HEAD requests, privacy proxies and scanners without dropping them', async () => {
    const m = s.messages[3]!;
    t.clock.advance(60_000);
    const head = await fetch(`${t.baseUrl}/t/c/${s.token(3, 'click', 2)}`, { method: 'HEAD', redirect: 'manual', headers: { 'user-agent': BROWSER } });
    expect(head.status).toBe(302);
    expect((await fetch(`${t.baseUrl}/t/o/${s.token(3, 'open')}`, { method: 'HEAD' })).status).toBe(200);
    await get(`/t/o/${s.token(3, 'open')}`, { ua: 'Mozilla/5.0' });
    // Later: the same pixel from the same address within a second would be a repeat.
    t.clock.advance(1_000);
    await get(`/t/o/${s.token(3, 'open')}`, { ua: 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)' });
    t.clock.advance(5_000);
    await get(`/t/c/${s.token(3, 'click', 2)}`, { ua: 'python-requests/2.31.0' });

    const events = await eventsOf(m.id);
    expect(events.map((e) => [e.type, e.human, e.reason])).toEqual([
      ['click', 0, 'head-request'],
      ['open', 0, 'head-request'],
      ['open', 0, 'apple-mail-privacy-protection'],
      ['open', 1, 'google-image-proxy'],
      ['click', 0, 'scanner:http-library'],
    ]);
    await t.folded();
    expect(await message(m.id)).toMatchObject({ opens: 3, human_opens: 1, clicks: 2, human_clicks: 0, first_human_click_at: null });
  });

  it('counts contacts without tracking consent per campaign only', async () => {
    const anonymousMessage = s.messages[0]!;
    expect(anonymousMessage.trackingConsent).toBe(false);
    expect((await get(`/t/o/${s.token(0, 'open')}`)).status).toBe(200);
    expect((await get(`/t/c/${s.token(0, 'click', 2)}`)).headers.get('location')).toBe('https://shop.example/about');
    const anonymous = await t.ctx.store.db.selectFrom('events').selectAll().where('campaign_id', '=', s.campaignId).where('message_id', 'is', null).execute();
    expect(anonymous.map((e) => e.type).sort()).toEqual(['click', 'open']);
    await t.folded();
    expect(await message(anonymousMessage.id)).toMatchObject({ opens: 0, clicks: 0, first_open_at: null });
  });

  it('answers 404 for a link the campaign does not have or that is not a web address, and records nothing', async () => {
    const m = s.messages[4]!;
    const before = (await eventsOf(m.id)).length;
    for (const path of [`/t/c/${s.token(4, 'click', 3)}`, `/t/c/${s.token(4, 'click', 9)}`, `/t/c/${signer(t.ctx.secret, 987654).token('click', 1)}`]) {
      const response = await get(path);
      expect(response.status).toBe(404);
      expect(response.headers.get('location')).toBeNull();
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(await response.text()).toContain('Link not found');
    }
    expect((await eventsOf(m.id)).length).toBe(before);
  });

  it('follows an SMS short link like a click, and 404s unknown codes', async () => {
    const sms = await createScenario(t.ctx, { channel: 'sms', recipients: 2, links: ['https://shop.example/sms'] });
    await t.ctx.store.db
      .insertInto('sms_short_links')
      .values([
        { code: 'aB3dE5g', message_id: sms.messages[0]!.id, campaign_id: sms.campaignId, link_id: sms.links[0]!.id },
        { code: 'Zz9Yy8x', message_id: null, campaign_id: sms.campaignId, link_id: sms.links[0]!.id },
      ])
      .execute();
    t.clock.advance(60_000);
    const response = await get('/s/aB3dE5g');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://shop.example/sms');
    await t.folded();
    expect(await message(sms.messages[0]!.id)).toMatchObject({ clicks: 1, human_clicks: 1 });
    expect((await get('/s/Zz9Yy8x')).status).toBe(302);
    expect((await get('/s/Nope123')).status).toBe(404);
    expect((await get('/s/..%2Fetc')).status).toBe(404);
    const events = await t.ctx.store.db.selectFrom('events').select(['message_id', 'type']).where('campaign_id', '=', sms.campaignId).orderBy('id').execute();
    expect(events).toEqual([
      { message_id: sms.messages[0]!.id, type: 'click' },
      { message_id: null, type: 'click' },
    ]);
  });
});
