import { afterAll, beforeAll, expect, it } from 'vitest';
import smpp from 'smpp';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { startScheduler, type Scheduler } from './scheduler.js';
import { startTestSmsc, type TestSmsc } from '../../test/support/smsc.js';

const PUBLIC_URL = 'https://go.shop.test';
const SUNDAY_NOON_PARIS = Date.parse('2025-06-15T10:00:00Z');
const MONDAY_8AM_PARIS = Date.parse('2025-06-16T06:00:00Z');

const until = async (what: string, check: () => Promise<boolean>) => {
  for (let i = 0; i < 1200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describeEachDatabase('an SMS campaign through the API, the sender and a real SMPP server', (kind) => {
  let smsc: TestSmsc;
  let t: TestApp;
  let sender: Scheduler;
  let campaignId: number;
  const phones = { ada: '+33612345661', bob: '+33612345662', anon: '+33612345663', gone: '+33612345664' };

  beforeAll(async () => {
    smsc = await startTestSmsc();
    t = await startTestApp(kind, { SMPP_URL: smsc.url(), PUBLIC_URL, SMS_STOP_TEXT: 'STOP au 36111' });
    t.clock.now = SUNDAY_NOON_PARIS;
    const listId = (await t.api('POST', '/api/lists', { name: 'Clients' })).body.id;
    for (const contact of [
      { phone: phones.ada, firstName: 'Ada' },
      { phone: phones.bob, firstName: 'Bob' },
      { phone: phones.anon, firstName: 'Anon', trackingConsent: false },
      { phone: phones.gone, firstName: 'Gone', smsStatus: 'unsubscribed' },
      { email: 'mail-only@example.test', firstName: 'Mail' },
    ]) {
      expect((await t.api('POST', '/api/contacts', { ...contact, listIds: [listId] })).status).toBe(201);
    }
    const created = await t.api('POST', '/api/campaigns', {
      channel: 'sms',
      name: 'Soldes',
      senderId: 'SHOP',
      body: 'Bonjour {{ contact.firstName }}, -30% : https://shop.test/sale',
      listIds: [listId],
    });
    expect(created.status).toBe(201);
    campaignId = created.body.id;
    expect((await t.api('POST', `/api/campaigns/${campaignId}/send`, {})).body.status).toBe('sending');
    sender = startScheduler(t.ctx, { idleMs: 20, retryBaseMs: 50 });
  });
  afterAll(async () => {
    await sender?.stop();
    await t?.close();
    await smsc?.close();
  });

  it('holds the campaign outside the legal send window, saying so, and sends when it opens', async () => {
    await until('the hold reason', async () => /Outside the SMS send window/.test((await t.api('GET', `/api/campaigns/${campaignId}`)).body.statusReason ?? ''));
    const held = (await t.api('GET', `/api/campaigns/${campaignId}`)).body;
    expect(held).toMatchObject({ status: 'sending', statusReason: 'Outside the SMS send window (Mon-Sat 08:00-20:00 Europe/Paris): waiting until 2025-06-16T06:00:00.000Z' });
    expect(smsc.accepted).toHaveLength(0);

    t.clock.now = MONDAY_8AM_PARIS;
    await until('the campaign to be sent', async () => (await t.api('GET', `/api/campaigns/${campaignId}`)).body.status === 'sent');
    expect((await t.api('GET', `/api/campaigns/${campaignId}`)).body.statusReason).toBeNull();
    const received = smsc.received();
    expect(received.map((r) => r.to).sort()).toEqual([phones.ada, phones.bob, phones.anon].map((p) => p.slice(1)).sort());
    const ada = received.find((r) => r.to === phones.ada.slice(1))!;
    expect(ada).toMatchObject({ from: 'SHOP', parts: 1, dataCoding: 0 });
    expect(ada.text).toMatch(/^Bonjour Ada, -30% : https:\/\/go\.shop\.test\/s\/[0-9A-Za-z]{8}\nSTOP au 36111$/);
  });

  it('redirects short links and counts the click; unknown codes get a 404', async () => {
    const code = /\/s\/([0-9A-Za-z]+)/.exec(smsc.received().find((r) => r.to === phones.ada.slice(1))!.text)![1]!;
    const click = await fetch(`${t.baseUrl}/s/${code}`, { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148' } });
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe('https://shop.test/sale');
    expect((await fetch(`${t.baseUrl}/s/ZZZZZZZZ`, { redirect: 'manual' })).status).toBe(404);
  });

  it('turns receipts and a STOP reply into statistics: sent, received, bounced, clicks, unsubscribes, no opens', async () => {
    const idOf = (phone: string) => smsc.received().find((r) => r.to === phone.slice(1))!.ids[0]!;
    expect(await smsc.receipt(idOf(phones.ada), 'DELIVRD')).toBe(smpp.ESME_ROK);
    expect(await smsc.receipt(idOf(phones.bob), 'REJECTD', { error: '0b' })).toBe(smpp.ESME_ROK);
    expect(await smsc.receipt(idOf(phones.anon), 'DELIVRD')).toBe(smpp.ESME_ROK);
    expect(await smsc.reply(phones.anon.slice(1), 'STOP')).toBe(smpp.ESME_ROK);

    await t.folded();
    const stats = (await t.api('GET', `/api/campaigns/${campaignId}/stats`)).body;
    expect(stats).toMatchObject({
      sent: 3,
      received: 2,
      bounced: { hard: 1, soft: 0 },
      clicks: { total: 1, unique: 1 },
      opens: { total: 0, unique: 0 },
      unsubscribed: 1,
      rates: { click: 0.5, open: null },
    });
    const contacts = (await t.api('GET', '/api/contacts?limit=10')).body.items;
    expect(contacts.find((c: any) => c.phone === phones.anon).smsStatus).toBe('unsubscribed');
    expect(contacts.find((c: any) => c.phone === phones.ada).smsStatus).toBe('subscribed');
  });

  it('gives Behavioral tracking segments for SMS (active = clickers, inactive = received and not clicked) and relaunches to them', async () => {
    const phonesOf = async (segment: string) =>
      (await t.api('GET', `/api/campaigns/${campaignId}/recipients?segment=${segment}`)).body.items.map((r: any) => r.phone).sort();
    expect(await phonesOf('clickers')).toEqual([phones.ada]);
    expect(await phonesOf('active')).toEqual([phones.ada]);
    expect(await phonesOf('inactive')).toEqual([phones.anon]);

    const relaunched = await t.api('POST', `/api/campaigns/${campaignId}/actions/relaunch`, { segment: 'clickers' });
    expect(relaunched.status).toBe(201);
    expect(relaunched.body).toMatchObject({
      count: 1,
      campaign: { channel: 'sms', status: 'draft', name: 'Copy D + 0 - clickers: Soldes', senderId: 'SHOP', body: 'Bonjour {{ contact.firstName }}, -30% : https://shop.test/sale', parentCampaignId: campaignId },
    });
    const copy = relaunched.body.campaign.id;
    expect((await t.api('POST', `/api/campaigns/${copy}/send`, {})).status).toBe(200);
    await until('the relaunch to be sent', async () => (await t.api('GET', `/api/campaigns/${copy}`)).body.status === 'sent');
    const toAda = smsc.received().filter((r) => r.to === phones.ada.slice(1));
    expect(toAda).toHaveLength(2);
    // Its own short link, for its own message.
    expect(toAda[1]!.text).not.toBe(toAda[0]!.text);
    expect(toAda[1]!.text).toMatch(/^Bonjour Ada, -30% : https:\/\/go\.shop\.test\/s\/[0-9A-Za-z]{8}\nSTOP au 36111$/);
    expect(smsc.received()).toHaveLength(4);
  });
});
