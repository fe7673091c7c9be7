import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { startSmtpSink, type SmtpSink } from '../../test/support/smtpSink.js';
import { startScheduler, type Scheduler } from '../scheduler/scheduler.js';
import { createScenario } from '../../test/support/trackingScenario.js';

/** A sample report from fixtures/, its {{placeholders}} filled in. */
function sample(name: string, values: Record<string, string>): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8').replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? '');
}

/** A permanent-failure DSN for `recipient` whose returned original carries `body` (where a pixel or link would be). */
const dsnWithOriginal = (recipient: string, body: string) => `From: MAILER-DAEMON@mx.example.org
To: bounces@shop.test
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-${Math.random().toString(36).slice(2)}@mx.example.org>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

Your message could not be delivered.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; ${recipient}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--b1
Content-Type: message/rfc822

From: Shop <news@shop.test>
To: ${recipient}
Subject: Spring sale
Message-ID: <somewhere-else@shop.test>
Content-Type: text/html; charset=utf-8

${body}

--b1--
`;

describeEachDatabase('reports that name only an address', (kind) => {
  let t: TestApp;
  let sink: SmtpSink;
  let sender: Scheduler;
  const inbound = (raw: string) =>
    fetch(`${t.baseUrl}/api/webhooks/inbound-email`, { method: 'POST', headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': 'message/rfc822' }, body: raw }).then(
      async (r) => ({ status: r.status, body: await r.json() }),
    );
  const contact = (id: number) => t.ctx.store.db.selectFrom('contacts').select(['email_status', 'sms_status']).where('id', '=', id).executeTakeFirstOrThrow();
  const eventCount = async () => Number((await t.ctx.store.db.selectFrom('events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const unmatched = async (query = '') => (await t.api('GET', `/api/reports/unmatched${query}`)).body;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp(kind, { SMTP_URL: sink.url, PUBLIC_URL: 'https://go.shop.test' });
    sender = startScheduler(t.ctx, { idleMs: 10 });
  });
  afterAll(async () => {
    await sender?.stop();
    await t?.close();
    await sink?.close();
  });

  it('keeps a forged DSN naming a contact who was never mailed as unmatched, and changes nothing', async () => {
    const victim = (await t.api('POST', '/api/contacts', { email: 'victim@example.test' })).body.id as number;
    const before = await eventCount();
    const forged = sample('dsn-hard-user-unknown.eml', { recipient: 'victim@example.test', messageIdHeader: '<forged-1@attacker.example>' });
    const response = await inbound(forged);
    expect(response).toEqual({
      status: 200,
      body: { report: 'dsn', type: 'hard', matched: false, messageId: null, contactId: null, changed: false, contactStatus: null, recipient: 'victim@example.test' },
    });
    expect(await contact(victim)).toEqual({ email_status: 'subscribed', sms_status: 'subscribed' });
    expect(await eventCount()).toBe(before);

    const listed = await unmatched();
    expect(listed.total).toBe(1);
    expect(listed.items).toEqual([
      {
        id: expect.any(Number),
        receivedAt: expect.any(String),
        kind: 'dsn',
        type: 'hard',
        recipient: 'victim@example.test',
        campaignId: null,
        reason: expect.stringMatching(/^failed 5\.1\.1/),
        originalIds: expect.arrayContaining(['<forged-1@attacker.example>']),
      },
    ]);
  });

  it('changes nothing on an address-only report about a contact who was mailed, nor outside the campaign the report names', async () => {
    const mailed = await createScenario(t.ctx, { recipients: 1, withoutConsent: 1 });
    const other = await createScenario(t.ctx, { recipients: 1, withoutConsent: 1 });
    const target = mailed.messages[0]!;
    const pixel = (s: typeof mailed) => `<img src="https://go.shop.test/t/o/${s.token(0, 'open')}">`;

    // No token, no Message-ID of ours: the address alone proves nothing.
    expect((await inbound(dsnWithOriginal(target.email!, '<p>Hello</p>'))).body).toMatchObject({ matched: false, changed: false });
    // The campaign-level pixel of another campaign, which never went to this address.
    expect((await inbound(dsnWithOriginal(target.email!, pixel(other)))).body).toMatchObject({ matched: false, changed: false });
    expect(await contact(target.contactId)).toMatchObject({ email_status: 'subscribed' });

    const listed = await unmatched('?limit=2');
    expect(listed.total).toBe(3);
    expect(listed.items.map((r: { recipient: string; campaignId: number | null }) => [r.recipient, r.campaignId])).toEqual([
      [target.email, other.campaignId],
      [target.email, null],
    ]);
    const rest = await unmatched(`?limit=2&cursor=${listed.nextCursor}`);
    expect(rest).toMatchObject({ total: 3, nextCursor: null, items: [{ recipient: 'victim@example.test' }] });

    // The pixel of the campaign that did go to this address ties the report to that message.
    const genuine = await inbound(dsnWithOriginal(target.email!, pixel(mailed)));
    expect(genuine.body).toMatchObject({ matched: true, messageId: target.id, changed: true, contactStatus: 'bounced' });
    expect((await unmatched()).total).toBe(3);
  });

  it('bounces a genuine DSN of a message sent over SMTP, matched by our Message-ID', async () => {
    const list = (await t.api('POST', '/api/lists', { name: 'Customers' })).body.id;
    const contactId = (await t.api('POST', '/api/contacts', { email: 'real@example.test', listIds: [list] })).body.id as number;
    const campaign = (await t.api('POST', '/api/campaigns', { name: 'Real', subject: 'Hi', fromEmail: 'news@shop.test', html: '<p>Hi</p>', listIds: [list] })).body.id;
    await t.api('POST', `/api/campaigns/${campaign}/send`, {});
    await sink.waitFor(1);
    const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(sink.messages[0]!.raw.toString())![1]!;
    for (let i = 0; i < 400 && (await t.api('GET', `/api/campaigns/${campaign}`)).body.status !== 'sent'; i++) await new Promise((r) => setTimeout(r, 25));

    // Our Message-IDs cannot be guessed from the message's number: a report quoting the guess names nothing.
    const sent = await t.ctx.store.db.selectFrom('messages').select('id').where('campaign_id', '=', campaign).executeTakeFirstOrThrow();
    expect(messageId).not.toBe(`<ricochet.${sent.id}@shop.test>`);
    const guessed = await inbound(sample('dsn-hard-user-unknown.eml', { recipient: 'someone@example.org', messageIdHeader: `<ricochet.${sent.id}@shop.test>` }));
    expect(guessed.body).toMatchObject({ matched: false, changed: false });
    expect(await contact(contactId)).toMatchObject({ email_status: 'subscribed' });

    // The relay rewrote the recipient (a forward): our Message-ID still names the message.
    const response = await inbound(sample('dsn-hard-user-unknown.eml', { recipient: 'forwarded@example.org', messageIdHeader: messageId }));
    expect(response.body).toMatchObject({ report: 'dsn', type: 'hard', matched: true, contactId, changed: true, contactStatus: 'bounced' });
    expect(await contact(contactId)).toMatchObject({ email_status: 'bounced' });
  });

  it('keeps a JSON webhook bounce for an address never mailed, or not mailed in the named campaign, as unmatched', async () => {
    const neverMailed = (await t.api('POST', '/api/contacts', { email: 'quiet@example.test' })).body.id as number;
    const byAddress = await t.api('POST', '/api/webhooks/bounces', { email: 'quiet@example.test', type: 'hard', reason: '550 5.1.1' });
    expect(byAddress).toMatchObject({ status: 200, body: { matched: false, messageId: null, contactId: null, changed: false, contactStatus: null } });
    expect(await contact(neverMailed)).toMatchObject({ email_status: 'subscribed' });

    const s = await createScenario(t.ctx, { recipients: 1 });
    const elsewhere = await createScenario(t.ctx, { recipients: 1 });
    const inOtherCampaign = await t.api('POST', '/api/webhooks/bounces', { email: s.messages[0]!.email, campaignId: elsewhere.campaignId, type: 'complaint' });
    expect(inOtherCampaign.body).toMatchObject({ matched: false, changed: false });
    expect(await contact(s.messages[0]!.contactId)).toMatchObject({ email_status: 'subscribed' });

    const listed = await unmatched('?limit=2');
    expect(listed.items).toEqual([
      expect.objectContaining({ kind: 'webhook', type: 'complaint', recipient: s.messages[0]!.email, campaignId: elsewhere.campaignId, originalIds: [] }),
      expect.objectContaining({ kind: 'webhook', type: 'hard', recipient: 'quiet@example.test', campaignId: null, reason: '550 5.1.1' }),
    ]);

    // Mailed in that campaign: applied.
    const applied = await t.api('POST', '/api/webhooks/bounces', { email: s.messages[0]!.email, campaignId: s.campaignId, type: 'complaint' });
    expect(applied.body).toMatchObject({ matched: true, messageId: s.messages[0]!.id, changed: true, contactStatus: 'complained' });
  });

  it('forgets the unmatched reports naming an address when its contact is erased', async () => {
    const before = (await unmatched('?limit=1000')).items as Array<{ recipient: string }>;
    expect(before.filter((r) => r.recipient === 'victim@example.test')).toHaveLength(1);
    const victim = (await t.ctx.store.db.selectFrom('contacts').select('id').where('email', '=', 'victim@example.test').executeTakeFirstOrThrow()).id;
    expect((await t.api('DELETE', `/api/contacts/${victim}`)).status).toBe(204);
    const after = (await unmatched('?limit=1000')).items as Array<{ recipient: string }>;
    expect(after.map((r) => r.recipient)).toEqual(before.map((r) => r.recipient).filter((r) => r !== 'victim@example.test'));
  });

  it('names a bad cursor', async () => {
    expect(await t.api('GET', '/api/reports/unmatched?cursor=nonsense')).toMatchObject({ status: 400, body: { error: { path: 'query.cursor' } } });
    expect(await t.api('GET', '/api/reports/unmatched?limit=0')).toMatchObject({ status: 400, body: { error: { path: 'query.limit' } } });
  });
});
