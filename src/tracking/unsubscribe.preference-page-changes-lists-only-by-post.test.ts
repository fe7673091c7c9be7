import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { createScenario, type Scenario } from '../../test/support/trackingScenario.js';
import { addWorkspace } from '../../test/support/workspaces.js';
import { unsubscribeReason } from './unsubscribe.js';

describeEachDatabase('the preference page', (kind) => {
  const t = useTestApp(kind);
  let s: Scenario;
  let news: number; // on the page, by its public name
  let offers: number; // on the page, by its name
  let internal: number; // not on the page
  let elsewhere: number; // another workspace's, on its page

  const page = (index: number) => fetch(`${t.baseUrl}/u/${s.token(index, 'unsubscribe')}`);
  const post = (index: number, fields: Array<[string, string]>) =>
    fetch(`${t.baseUrl}/u/${s.token(index, 'unsubscribe')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  const save = (index: number, offered: number[], chosen: number[]) =>
    post(index, [['action', 'save'], ...offered.map((id): [string, string] => ['offered', String(id)]), ...chosen.map((id): [string, string] => ['list', String(id)])]);
  const contactId = (index: number) => s.messages[index]!.contactId;
  const listsOf = async (index: number) =>
    (await t.ctx.store.db.selectFrom('list_members').select('list_id').where('contact_id', '=', contactId(index)).orderBy('list_id').execute()).map((m) => m.list_id);
  const stateOf = async (index: number) => ({
    lists: await listsOf(index),
    contact: await t.ctx.store.db.selectFrom('contacts').select(['email_status', 'sms_status', 'updated_at']).where('id', '=', contactId(index)).executeTakeFirstOrThrow(),
    message: await t.ctx.store.db.selectFrom('messages').selectAll().where('id', '=', s.messages[index]!.id).executeTakeFirstOrThrow(),
    events: await t.ctx.store.db.selectFrom('events').select(['type', 'reason']).where('message_id', '=', s.messages[index]!.id).execute(),
  });

  beforeAll(async () => {
    s = await createScenario(t.ctx, { recipients: 6, fromName: 'Shop & Co' });
    news = (await t.api('POST', '/api/lists', { name: 'Newsletter', publicName: 'Weekly <script>alert(1)</script> news', onPreferences: true })).body.id;
    offers = (await t.api('POST', '/api/lists', { name: 'Offers & "deals"', onPreferences: true })).body.id;
    internal = (await t.api('POST', '/api/lists', { name: 'Internal: VIP', onPreferences: false })).body.id;
    const other = await addWorkspace(t);
    elsewhere = (await other.api('POST', '/api/lists', { name: 'Elsewhere', onPreferences: true })).body.id;
    const everyone = s.messages.map((m) => m.contactId);
    await t.api('POST', `/api/lists/${news}/contacts`, { contactIds: everyone });
    await t.api('POST', `/api/lists/${offers}/contacts`, { contactIds: everyone });
    await t.api('POST', `/api/lists/${internal}/contacts`, { contactIds: [contactId(0)] });
  });

  it('shows the lists on the page, checked for those the contact is in, escaped, and a GET changes nothing', async () => {
    await t.api('DELETE', `/api/lists/${offers}/contacts`, { contactIds: [contactId(0)] });
    const before = await stateOf(0);
    for (let i = 0; i < 3; i++) {
      const response = await page(0);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      const html = await response.text();
      expect(html).toContain('<title>Email preferences</title>');
      expect(html).toContain(`<label><input type="checkbox" name="list" value="${news}" checked> Weekly &lt;script&gt;alert(1)&lt;/script&gt; news</label>`);
      expect(html).toContain(`<label><input type="checkbox" name="list" value="${offers}"> Offers &amp; &quot;deals&quot;</label>`);
      expect(html).not.toContain('<script>');
      expect(html).not.toContain('Internal');
      expect(html).not.toContain('Newsletter'); // the public name replaces it
      expect(html).not.toContain('Elsewhere');
      expect(html).toContain('<button type="submit">Save preferences</button>');
      expect(html).toContain('<button type="submit">Unsubscribe from all</button>');
      expect(html).toContain('<input type="radio" name="reason" value="too_many">');
      expect(html.match(new RegExp(`<form method="post" action="/u/${s.token(0, 'unsubscribe')}">`, 'g'))).toHaveLength(2);
    }
    expect((await fetch(`${t.baseUrl}/u/${s.token(0, 'unsubscribe')}`, { method: 'HEAD' })).status).toBe(200);
    expect(await stateOf(0)).toEqual(before);
    expect(before).toMatchObject({ lists: [news, internal].sort((a, b) => a - b), contact: { email_status: 'subscribed' }, message: { unsubscribed_at: null }, events: [] });
  });

  it('leaves list A and keeps list B on Save preferences, still subscribed and with no event', async () => {
    const response = await save(1, [news, offers], [offers]);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Your preferences are saved');
    expect(html).toContain('<li>Offers &amp; &quot;deals&quot;</li>');
    expect(html).not.toContain('Weekly');
    expect(await stateOf(1)).toMatchObject({ lists: [offers], contact: { email_status: 'subscribed' }, message: { unsubscribed_at: null }, events: [] });
    // The page shows the change, and joining again works.
    expect(await (await page(1)).text()).toContain(`<input type="checkbox" name="list" value="${news}"> Weekly`);
    await save(1, [news, offers], [news, offers]);
    expect(await listsOf(1)).toEqual([news, offers].sort((a, b) => a - b));
    // Saving with nothing checked leaves every list on the page, and only those.
    await t.api('POST', `/api/lists/${internal}/contacts`, { contactIds: [contactId(1)] });
    expect((await save(1, [news, offers], [])).status).toBe(200);
    expect(await stateOf(1)).toMatchObject({ lists: [internal], contact: { email_status: 'subscribed' }, events: [] });
  });

  it('changes no list that is not on the page, whatever the form says', async () => {
    await t.api('DELETE', `/api/lists/${news}/contacts`, { contactIds: [contactId(2)] });
    expect(await listsOf(2)).toEqual([offers]);
    // Join a list not shown, another workspace's list and a missing one; leave one that is not offered.
    const forged = [internal, elsewhere, 999_999_999];
    expect((await save(2, forged, forged)).status).toBe(200);
    expect(await listsOf(2)).toEqual([offers]);
    expect((await save(2, [news, ...forged], [news, ...forged])).status).toBe(200);
    expect(await listsOf(2)).toEqual([news, offers].sort((a, b) => a - b));
    expect(await t.ctx.store.db.selectFrom('list_members').select('contact_id').where('list_id', '=', elsewhere).execute()).toEqual([]);
    // Checked but not offered: a list that was not on the page when it was shown stays as it was.
    await t.api('POST', `/api/lists/${internal}/contacts`, { contactIds: [contactId(2)] });
    await save(2, [news], [news]);
    expect(await listsOf(2)).toEqual([news, offers, internal].sort((a, b) => a - b));
    await t.api('PATCH', `/api/lists/${offers}`, { name: 'Offers & "deals"', onPreferences: false });
    try {
      await save(2, [news, offers], [news]);
      expect(await listsOf(2)).toEqual([news, offers, internal].sort((a, b) => a - b));
    } finally {
      await t.api('PATCH', `/api/lists/${offers}`, { name: 'Offers & "deals"', onPreferences: true });
    }
    expect((await stateOf(2)).events).toEqual([]);
  });

  it('unsubscribes from all with a reason, keeping the lists', async () => {
    t.clock.now = Date.UTC(2026, 9, 1, 9, 0, 0);
    const response = await post(3, [['action', 'unsubscribe'], ['reason', 'other'], ['reasonText', '  Too <b>often</b>\u0000 ']]);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('You are unsubscribed');
    expect(await stateOf(3)).toMatchObject({
      lists: [news, offers].sort((a, b) => a - b),
      contact: { email_status: 'unsubscribed' },
      message: { unsubscribed_at: t.clock.now },
      events: [{ type: 'unsubscribe', reason: 'other: Too <b>often</b>' }],
    });
    // The page says so and still lets them choose their lists.
    const html = await (await page(3)).text();
    expect(html).toContain('You are unsubscribed from all emails from Shop &amp; Co.');
    // A later reason replaces the first; the event is not counted twice.
    await post(3, [['action', 'unsubscribe'], ['reason', 'too_many']]);
    expect((await stateOf(3)).events).toEqual([{ type: 'unsubscribe', reason: 'too_many' }]);

    // Erasure takes the reason (it may be the person's own words), and the erased join nothing.
    await post(3, [['action', 'unsubscribe'], ['reason', 'other'], ['reasonText', 'I moved to Lyon']]);
    expect((await t.api('DELETE', `/api/contacts/${contactId(3)}`)).status).toBe(204);
    expect((await stateOf(3)).events).toEqual([{ type: 'unsubscribe', reason: null }]);
    expect(await (await page(3)).text()).not.toContain('Save preferences');
    await save(3, [news, offers], [news, offers]);
    expect(await listsOf(3)).toEqual([]);
  });

  it('unsubscribes from all at once on the RFC 8058 one-click POST, also with action=save beside it', async () => {
    const oneClick = await post(4, [['List-Unsubscribe', 'One-Click']]);
    expect(oneClick.status).toBe(200);
    expect(await oneClick.text()).toContain('You are unsubscribed');
    expect(await stateOf(4)).toMatchObject({ lists: [news, offers].sort((a, b) => a - b), contact: { email_status: 'unsubscribed' }, events: [{ type: 'unsubscribe', reason: null }] });
    await post(5, [['List-Unsubscribe', 'One-Click'], ['action', 'save'], ['offered', String(news)]]);
    expect(await stateOf(5)).toMatchObject({ lists: [news, offers].sort((a, b) => a - b), contact: { email_status: 'unsubscribed' }, events: [{ type: 'unsubscribe' }] });
  });

  it('is the unsubscribe confirmation, with the reason, in a workspace with no list on the page', async () => {
    const other = await addWorkspace(t, 'Quiet brand');
    await other.api('POST', '/api/lists', { name: 'Hidden', onPreferences: false });
    const quiet = await createScenario(other.ctx, { recipients: 1, fromName: 'Quiet' });
    const token = quiet.token(0, 'unsubscribe');
    const html = await (await fetch(`${t.baseUrl}/u/${token}`)).text();
    expect(html).toContain('<title>Unsubscribe</title>');
    expect(html).not.toContain('Save preferences');
    expect(html).not.toContain('Hidden');
    expect(html).toContain('<input type="text" name="reasonText"');
    const response = await fetch(`${t.baseUrl}/u/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click&reason=never_signed_up',
    });
    expect(response.status).toBe(200);
    const event = await t.ctx.store.db.selectFrom('events').select(['type', 'reason']).where('message_id', '=', quiet.messages[0]!.id).execute();
    expect(event).toEqual([{ type: 'unsubscribe', reason: 'never_signed_up' }]);
  });

  it('keeps the plain page for SMS recipients', async () => {
    const sms = await createScenario(t.ctx, { channel: 'sms', recipients: 1 });
    await t.api('POST', `/api/lists/${news}/contacts`, { contactIds: [sms.messages[0]!.contactId] });
    const html = await (await fetch(`${t.baseUrl}/u/${sms.token(0, 'unsubscribe')}`)).text();
    expect(html).toContain('Do you want to stop receiving text messages from SHOP?');
    expect(html).not.toContain('Save preferences');
    await fetch(`${t.baseUrl}/u/${sms.token(0, 'unsubscribe')}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'action=save&offered=' + news });
    const row = await t.ctx.store.db.selectFrom('contacts').select(['email_status', 'sms_status']).where('id', '=', sms.messages[0]!.contactId).executeTakeFirstOrThrow();
    expect(row).toEqual({ email_status: 'subscribed', sms_status: 'subscribed' });
    const members = await t.ctx.store.db.selectFrom('list_members').select('list_id').where('contact_id', '=', sms.messages[0]!.contactId).execute();
    expect(members).toEqual([{ list_id: news }]);
  });
});

describe('the reason kept on an unsubscribe', () => {
  it('is a known choice, or the words given for other, cut at 500 characters', () => {
    expect(unsubscribeReason('too_many', 'ignored')).toBe('too_many');
    expect(unsubscribeReason('other', '')).toBe('other');
    expect(unsubscribeReason(null, ' line\r\nbreak ')).toBe('other: line break');
    expect(unsubscribeReason('drop table', null)).toBeNull();
    expect(unsubscribeReason('constructor', null)).toBeNull();
    expect(unsubscribeReason(null, '   ')).toBeNull();
    expect(unsubscribeReason('other', '😀'.repeat(600))).toBe(`other: ${'😀'.repeat(500)}`);
  });
});
