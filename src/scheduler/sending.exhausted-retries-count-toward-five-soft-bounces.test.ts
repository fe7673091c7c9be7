import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { SOFT_BOUNCES_TO_SUPPRESS } from '../tracking/bounces.js';
import { startSmtpSink, type SmtpSink } from '../../test/support/smtpSink.js';
import { startScheduler, type Scheduler } from './scheduler.js';

describeEachDatabase('sending to a mailbox that never accepts', (kind) => {
  let t: TestApp;
  let sink: SmtpSink;
  let sender: Scheduler;

  beforeAll(async () => {
    // Every RCPT TO gets 451: each message is retried, then given up as a soft bounce.
    sink = await startSmtpSink({ temporaryFailureRate: 1 });
    t = await startTestApp(kind, { SMTP_URL: sink.url });
    sender = startScheduler(t.ctx, { idleMs: 10, retryBaseMs: 5, retryMaxMs: 20, maxAttempts: 2, pauseAfterErrors: 10_000 });
  });
  afterAll(async () => {
    await sender?.stop();
    await t?.close();
    await sink?.close();
  });

  it("suppresses the contact at the sender's fifth soft bounce in a row, as soft bounces reported by webhook do", async () => {
    const list = (await t.api('POST', '/api/lists', { name: 'Full mailbox' })).body.id;
    const contactId = (await t.api('POST', '/api/contacts', { email: 'full@example.test', listIds: [list] })).body.id as number;
    const contact = () => t.ctx.store.db.selectFrom('contacts').select(['email_status', 'sms_status']).where('id', '=', contactId).executeTakeFirstOrThrow();

    for (let i = 1; i <= SOFT_BOUNCES_TO_SUPPRESS; i++) {
      const campaign = (await t.api('POST', '/api/campaigns', { name: `Week ${i}`, subject: 'Hi', fromEmail: 'news@shop.test', html: '<p>Hi</p>', listIds: [list] })).body.id;
      expect((await t.api('POST', `/api/campaigns/${campaign}/send`, {})).status).toBe(200);
      for (let wait = 0; wait < 2400 && (await t.api('GET', `/api/campaigns/${campaign}`)).body.status !== 'sent'; wait++) await new Promise((r) => setTimeout(r, 25));
      const message = await t.ctx.store.db.selectFrom('messages').select(['status', 'bounce_type', 'attempts']).where('campaign_id', '=', campaign).executeTakeFirstOrThrow();
      expect(message).toEqual({ status: 'bounced', bounce_type: 'soft', attempts: 2 });
      expect(await contact(), `after campaign ${i}`).toEqual({ email_status: i < SOFT_BOUNCES_TO_SUPPRESS ? 'subscribed' : 'bounced', sms_status: 'subscribed' });
    }
    expect(sink.accepted).toBe(0);
  });
});
