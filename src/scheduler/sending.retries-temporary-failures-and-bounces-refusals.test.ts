import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { startSmtpSink, type SmtpSink } from '../../test/support/smtpSink.js';
import { startScheduler, type Scheduler } from './scheduler.js';

const RECIPIENTS = 60;

describeEachDatabase('sending through an unreliable SMTP server', (kind) => {
  let t: TestApp;
  let sink: SmtpSink;
  let sender: Scheduler;
  let campaignId: number;

  beforeAll(async () => {
    sink = await startSmtpSink({
      reject: (address) => address === 'nobody@example.test',
      temporaryFailureRate: 0.25,
      dropRate: 0.1,
    });
    t = await startTestApp(kind, { SMTP_URL: `${sink.url}?pool=3` });
    const list = (await t.api('POST', '/api/lists', { name: 'All' })).body.id;
    for (let i = 0; i < RECIPIENTS; i++) await t.api('POST', '/api/contacts', { email: `r${i}@example.test`, listIds: [list] });
    await t.api('POST', '/api/contacts', { email: 'nobody@example.test', listIds: [list] });
    campaignId = (
      await t.api('POST', '/api/campaigns', { name: 'Retry', subject: 'Hi', fromEmail: 'news@shop.test', html: '<p>Hi <a href="https://shop.test">shop</a></p>', listIds: [list] })
    ).body.id;
    await t.api('POST', `/api/campaigns/${campaignId}/send`, {});
    // Retries capped at 100 ms: an unlucky message failing many times in a row still finishes within the wait below.
    sender = startScheduler(t.ctx, { idleMs: 10, batchSize: 20, retryBaseMs: 5, retryMaxMs: 100, maxAttempts: 30, pauseAfterErrors: 10_000 });
    for (let i = 0; i < 2400 && (await t.api('GET', `/api/campaigns/${campaignId}`)).body.status !== 'sent'; i++) await new Promise((r) => setTimeout(r, 25));
  });
  afterAll(async () => {
    await sender?.stop();
    await t?.close();
    await sink?.close();
  });

  it('delivers every message in the end, none twice', async () => {
    expect((await t.api('GET', `/api/campaigns/${campaignId}`)).body.status).toBe('sent');
    expect(sink.received.size).toBe(RECIPIENTS);
    for (let i = 0; i < RECIPIENTS; i++) expect(sink.received.get(`r${i}@example.test`), `r${i}`).toBe(1);
    const retried = await t.ctx.store.db.selectFrom('messages').select('id').where('attempts', '>', 1).execute();
    expect(retried.length).toBeGreaterThan(0);
  });

  it('hard-bounces the refused recipient and marks the contact bounced', async () => {
    expect(sink.received.has('nobody@example.test')).toBe(false);
    const message = await t.ctx.store.db
      .selectFrom('messages')
      .innerJoin('contacts', 'contacts.id', 'messages.contact_id')
      .select(['messages.id', 'messages.status', 'messages.bounce_type', 'messages.bounce_reason', 'contacts.email_status'])
      .where('contacts.email', '=', 'nobody@example.test')
      .executeTakeFirstOrThrow();
    expect(message).toMatchObject({ status: 'bounced', bounce_type: 'hard', email_status: 'bounced' });
    expect(message.bounce_reason).toMatch(/550/);
    const events = await t.ctx.store.db.selectFrom('events').select(['type', 'message_id']).where('campaign_id', '=', campaignId).execute();
    expect(events).toEqual([{ type: 'bounce', message_id: message.id }]);
    const progress = (await t.api('GET', `/api/campaigns/${campaignId}/progress`)).body;
    expect(progress).toMatchObject({ total: RECIPIENTS + 1, delivered: RECIPIENTS, bounced: 1, queued: 0 });
  });
});
