import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { startSmtpSink, type SmtpSink } from '../../test/support/smtpSink.js';
import { startScheduler } from './scheduler.js';

describeEachDatabase('a real send to a list with pending sign-ups', (kind) => {
  let t: TestApp;
  let sink: SmtpSink;
  let campaignId: number;
  const ids: Record<string, number> = {};

  const messages = () =>
    t.ctx.store.db
      .selectFrom('messages')
      .innerJoin('contacts', 'contacts.id', 'messages.contact_id')
      .select(['contacts.email', 'messages.status', 'messages.skip_reason'])
      .where('messages.campaign_id', '=', campaignId)
      .orderBy('contacts.email')
      .execute();

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp(kind, { SMTP_URL: sink.url, PUBLIC_URL: 'https://go.shop.test' });
    const list = (await t.api('POST', '/api/lists', { name: 'Sign-ups' })).body.id;
    for (const name of ['ada', 'pia', 'lena']) ids[name] = (await t.api('POST', '/api/contacts', { email: `${name}@example.test`, listIds: [list] })).body.id;
    // Pending is what a double opt-in sign-up makes; the API cannot set it.
    await t.ctx.store.db.updateTable('contacts').set({ email_status: 'pending' }).where('id', '=', ids.pia!).execute();
    campaignId = (await t.api('POST', '/api/campaigns', { name: 'Welcome', subject: 'Hello', fromEmail: 'news@shop.test', html: '<p>Hello</p>', listIds: [list] })).body.id;
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it('skips a contact pending when the send starts, and one that became pending before its turn, with reason pending', async () => {
    expect((await t.api('GET', '/api/lists')).body[0]).toMatchObject({ size: 2, pending: 1 });
    expect((await t.api('POST', `/api/campaigns/${campaignId}/send`, {})).status).toBe(200);
    expect(await messages()).toEqual([
      { email: 'ada@example.test', status: 'queued', skip_reason: null },
      { email: 'lena@example.test', status: 'queued', skip_reason: null },
      { email: 'pia@example.test', status: 'skipped', skip_reason: 'pending' },
    ]);
    // Between the audience and the sender's turn: the sender's own check skips it.
    await t.ctx.store.db.updateTable('contacts').set({ email_status: 'pending' }).where('id', '=', ids.lena!).execute();

    const sender = startScheduler(t.ctx, { idleMs: 10 });
    try {
      for (let i = 0; i < 800 && (await t.api('GET', `/api/campaigns/${campaignId}`)).body.status !== 'sent'; i++) await new Promise((r) => setTimeout(r, 25));
    } finally {
      await sender.stop();
    }
    expect((await t.api('GET', `/api/campaigns/${campaignId}`)).body.status).toBe('sent');
    expect(Object.fromEntries(sink.received)).toEqual({ 'ada@example.test': 1 });
    expect(await messages()).toEqual([
      { email: 'ada@example.test', status: 'delivered', skip_reason: null },
      { email: 'lena@example.test', status: 'skipped', skip_reason: 'pending' },
      { email: 'pia@example.test', status: 'skipped', skip_reason: 'pending' },
    ]);
    expect((await t.api('GET', `/api/campaigns/${campaignId}/progress`)).body).toMatchObject({ total: 3, delivered: 1, skipped: 2, queued: 0 });
  });
});
