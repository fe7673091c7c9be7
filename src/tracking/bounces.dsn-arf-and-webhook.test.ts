import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { createScenario } from '../../test/support/trackingScenario.js';

/** A sample report from fixtures/, its {{placeholders}} filled in. */
function sample(name: string, values: Record<string, string>): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8').replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? '');
}

describeEachDatabase('bounces and complaints', (kind) => {
  let t: TestApp;
  const inbound = (raw: string, contentType = 'message/rfc822') =>
    fetch(`${t.baseUrl}/api/webhooks/inbound-email`, { method: 'POST', headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': contentType }, body: raw }).then(
      async (r) => ({ status: r.status, body: await r.json() }),
    );
  const messageRow = (id: number) => t.ctx.store.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const contactStatus = async (id: number) => (await t.ctx.store.db.selectFrom('contacts').select('email_status').where('id', '=', id).executeTakeFirstOrThrow()).email_status;
  const eventTypes = async (messageId: number) => (await t.ctx.store.db.selectFrom('events').select(['type', 'reason']).where('message_id', '=', messageId).execute());

  beforeAll(async () => {
    t = await startTestApp(kind);
    t.clock.now = Date.UTC(2026, 8, 1, 10, 0, 0);
  });
  afterAll(() => t.close());

  it('turns a DSN with a permanent failure into a hard bounce, matched by the relay Message-ID', async () => {
    const s = await createScenario(t.ctx, { recipients: 2 });
    const target = s.messages[1]!;
    await t.ctx.store.db.updateTable('messages').set({ provider_id: `<ricochet.${target.id}@shop.example>` }).where('id', '=', target.id).execute();
    const raw = sample('dsn-hard-user-unknown.eml', { recipient: 'someone.else@example.org', messageIdHeader: `<ricochet.${target.id}@shop.example>` });
    const response = await inbound(raw);
    expect(response).toEqual({
      status: 200,
      body: { report: 'dsn', type: 'hard', matched: true, messageId: target.id, contactId: target.contactId, changed: true, contactStatus: 'bounced', recipient: 'someone.else@example.org' },
    });
    expect(await messageRow(target.id)).toMatchObject({ status: 'bounced', bounce_type: 'hard' });
    expect((await messageRow(target.id)).bounce_reason).toContain('5.1.1');
    expect(await contactStatus(target.contactId)).toBe('bounced');
    expect(await eventTypes(target.id)).toEqual([{ type: 'bounce', reason: expect.stringMatching(/^hard: failed 5\.1\.1 550 5\.1\.1/) }]);
    expect(await contactStatus(s.messages[0]!.contactId)).toBe('subscribed');

    // The same report again changes nothing and records nothing more.
    expect((await inbound(raw)).body).toMatchObject({ matched: true, changed: false });
    expect(await eventTypes(target.id)).toHaveLength(1);
    const stats = await t.api('GET', `/api/campaigns/${s.campaignId}/stats`);
    expect(stats.body).toMatchObject({ sent: 2, received: 1, bounced: { hard: 1, soft: 0 } });
  });

  it('turns a DSN with a transient failure into a soft bounce, matched by our Message-ID, and ignores delay warnings', async () => {
    const s = await createScenario(t.ctx, { recipients: 1 });
    const target = s.messages[0]!;
    await t.ctx.store.db.updateTable('messages').set({ provider_id: `<ricochet.${target.id}@shop.example>` }).where('id', '=', target.id).execute();
    // A warning that names only the address: nothing ties it to a message, and it asks for nothing anyway.
    const delayed = await inbound(sample('dsn-delayed-warning.eml', { recipient: target.email! }));
    expect(delayed.body).toMatchObject({ report: 'dsn', type: null, matched: false, messageId: null, changed: false });
    expect(await messageRow(target.id)).toMatchObject({ status: 'delivered', bounce_type: null });

    const soft = await inbound(sample('dsn-soft-mailbox-full.eml', { recipient: target.email!.toUpperCase(), messageIdHeader: `<ricochet.${target.id}@shop.example>` }));
    expect(soft.body).toMatchObject({ report: 'dsn', type: 'soft', matched: true, messageId: target.id, changed: true, contactStatus: 'subscribed' });
    expect(await messageRow(target.id)).toMatchObject({ status: 'bounced', bounce_type: 'soft' });
    expect(await contactStatus(target.contactId)).toBe('subscribed');
  });

  it('turns an ARF abuse report into a complaint, matched by the signed links of the original', async () => {
    const s = await createScenario(t.ctx, { recipients: 2 });
    const base = 'https://r.shop.example';
    const byUnsubscribe = await inbound(
      sample('arf-abuse-complaint.eml', { unsubscribeUrl: `${base}/u/${s.token(0, 'unsubscribe')}`, clickUrlQuotedPrintable: `${base}/` }),
    );
    expect(byUnsubscribe.body).toMatchObject({ report: 'arf', type: 'complaint', matched: true, messageId: s.messages[0]!.id, changed: true, contactStatus: 'complained' });
    expect((await messageRow(s.messages[0]!.id)).complained_at).toBe(t.clock.now);
    expect(await eventTypes(s.messages[0]!.id)).toEqual([{ type: 'complaint', reason: 'complaint: feedback-type abuse' }]);

    // No List-Unsubscribe, and the click link cut in two by a quoted-printable soft line break.
    const click = `${base}/t/c/${s.token(1, 'click', 1)}`;
    const cut = `${click.slice(0, 40)}=\n${click.slice(40)}`;
    const byClick = await inbound(sample('arf-abuse-complaint.eml', { unsubscribeUrl: `${base}/`, clickUrlQuotedPrintable: cut }));
    expect(byClick.body).toMatchObject({ type: 'complaint', matched: true, messageId: s.messages[1]!.id, contactStatus: 'complained' });

    // A complaint is stronger than an unsubscribe; it never counts as a click.
    await t.folded();
    expect((await messageRow(s.messages[1]!.id)).clicks).toBe(0);
    const stats = await t.api('GET', `/api/campaigns/${s.campaignId}/stats`);
    expect(stats.body).toMatchObject({ complained: 2, clicks: { total: 0 } });
  });

  it('refuses a message that is not a report, and an empty body', async () => {
    const plain = 'From: someone@example.org\nTo: news@shop.example\nSubject: Re: Spring sale\n\nThanks!\n';
    expect(await inbound(plain)).toMatchObject({ status: 400, body: { error: { code: 'bad_request', message: expect.stringContaining('RFC 3464') } } });
    expect(await inbound('', 'message/rfc822')).toMatchObject({ status: 400 });
    const json = await t.api('POST', '/api/webhooks/inbound-email', { raw: 'x' });
    expect(json.status).toBe(400);
  });

  it('takes JSON bounces by message id or address, and suppresses after five soft bounces in a row', async () => {
    const first = await createScenario(t.ctx, { recipients: 2 });
    const hard = await t.api('POST', '/api/webhooks/bounces', { messageId: first.messages[0]!.id, type: 'hard', reason: '550 5.1.1 no such user' });
    expect(hard).toMatchObject({ status: 200, body: { matched: true, type: 'hard', changed: true, contactStatus: 'bounced' } });
    expect(await messageRow(first.messages[0]!.id)).toMatchObject({ status: 'bounced', bounce_type: 'hard', bounce_reason: '550 5.1.1 no such user' });

    const complaint = await t.api('POST', '/api/webhooks/bounces', { email: ` ${first.messages[1]!.email!.toUpperCase()} `, type: 'complaint' });
    expect(complaint.body).toMatchObject({ messageId: first.messages[1]!.id, contactStatus: 'complained' });

    const contactId = (await createScenario(t.ctx, { recipients: 1 })).messages[0]!.contactId;
    const email = (await t.ctx.store.db.selectFrom('contacts').select('email').where('id', '=', contactId).executeTakeFirstOrThrow()).email!;
    for (let i = 1; i <= 4; i++) {
      if (i > 1) await createScenario(t.ctx, { contactIds: [contactId] });
      expect((await t.api('POST', '/api/webhooks/bounces', { email, type: 'soft', reason: '452 4.2.2 mailbox full' })).body).toMatchObject({ changed: true, contactStatus: 'subscribed' });
    }
    await createScenario(t.ctx, { contactIds: [contactId] });
    expect((await t.api('POST', '/api/webhooks/bounces', { email, type: 'soft' })).body).toMatchObject({ changed: true, contactStatus: 'bounced' });
  });

  it('names what is wrong with a bad webhook call', async () => {
    expect(await t.api('POST', '/api/webhooks/bounces', { type: 'hard' })).toMatchObject({ status: 400, body: { error: { path: '$.messageId' } } });
    expect(await t.api('POST', '/api/webhooks/bounces', { messageId: 1, type: 'bouncy' })).toMatchObject({ status: 400, body: { error: { path: '$.type' } } });
    expect(await t.api('POST', '/api/webhooks/bounces', { email: 'not an address', type: 'hard' })).toMatchObject({ status: 400, body: { error: { path: '$.email' } } });
    expect(await t.api('POST', '/api/webhooks/bounces', { messageId: 999999, type: 'hard' })).toMatchObject({ status: 404 });
    // An address that is no contact names nothing wrong: the report is kept as unmatched (reports.address-only-reports-change-nothing.test.ts).
    expect(await t.api('POST', '/api/webhooks/bounces', { email: 'nobody@nowhere.example', type: 'hard' })).toMatchObject({ status: 200, body: { matched: false, changed: false } });
    const anonymous = await fetch(`${t.baseUrl}/api/webhooks/bounces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"messageId":1,"type":"hard"}' });
    expect(anonymous.status).toBe(401);
  });
});
