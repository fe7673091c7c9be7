import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { startSmtpSink, type SmtpSink } from '../../test/support/smtpSink.js';
import { startScheduler, type Scheduler } from '../scheduler/scheduler.js';

const until = async (check: () => Promise<boolean>, what: string) => {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describeEachDatabase('campaign status rules', (kind) => {
  let t: TestApp;
  let sink: SmtpSink;
  let sender: Scheduler | undefined;
  let list: number;
  const campaign = async (name = 'C') =>
    (await t.api('POST', '/api/campaigns', { name, subject: 'S', fromEmail: 'news@shop.test', html: '<p>Hi</p>', listIds: [list] })).body.id as number;
  const status = async (id: number) => (await t.api('GET', `/api/campaigns/${id}`)).body;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp(kind, { SMTP_URL: sink.url });
    list = (await t.api('POST', '/api/lists', { name: 'All' })).body.id;
    for (let i = 0; i < 5; i++) await t.api('POST', '/api/contacts', { email: `s${i}@example.test`, listIds: [list] });
  });
  afterEach(async () => {
    await sender?.stop();
    sender = undefined;
    t.clock.real();
    sink.behaviour.temporaryFailureRate = 0;
  });
  afterAll(async () => {
    await t.close();
    await sink.close();
  });

  it('answers 409 and sends nothing for a campaign that is not a draft or scheduled', async () => {
    const id = await campaign();
    for (const state of ['sent', 'cancelled', 'paused', 'sending'] as const) {
      await t.ctx.store.db.updateTable('campaigns').set({ status: state }).where('id', '=', id).execute();
      const response = await t.api('POST', `/api/campaigns/${id}/send`, {});
      expect(response.status, state).toBe(409);
      expect(response.body.error).toMatchObject({ code: 'conflict', status: state });
    }
    const messages = await t.ctx.store.db.selectFrom('messages').select('id').where('campaign_id', '=', id).execute();
    expect(messages).toEqual([]);
    expect((await t.api('POST', '/api/campaigns/999999/send', {})).status).toBe(404);
  });

  it('refuses to send a campaign without lists', async () => {
    const id = (await t.api('POST', '/api/campaigns', { name: 'Empty', subject: 'S', fromEmail: 'a@shop.test', html: 'x', listIds: [] })).body.id;
    const response = await t.api('POST', `/api/campaigns/${id}/send`, {});
    expect(response.status).toBe(400);
    expect(response.body.error.path).toBe('$.listIds');
  });

  it('refuses a schedule whose time has passed, sending nothing', async () => {
    const id = await campaign('Late');
    const at = new Date(Date.now() - 3_600_000).toISOString();
    const response = await t.api('POST', `/api/campaigns/${id}/send`, { at });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ path: '$.at', message: expect.stringContaining('has passed') });
    expect((await t.api('GET', `/api/campaigns/${id}`)).body.status).toBe('draft');
  });

  it('holds a scheduled campaign until its time, then sends it', async () => {
    const start = Date.parse('2030-03-01T09:00:00Z');
    t.clock.now = start;
    const id = await campaign('Later');
    const scheduled = await t.api('POST', `/api/campaigns/${id}/send`, { at: '2030-03-01T10:00:00Z' });
    expect(scheduled.body).toMatchObject({ status: 'scheduled', scheduledAt: '2030-03-01T10:00:00.000Z', sentAt: null });
    const before = sink.accepted;
    sender = startScheduler(t.ctx, { idleMs: 10 });
    await new Promise((r) => setTimeout(r, 1300));
    expect((await status(id)).status).toBe('scheduled');
    expect(sink.accepted).toBe(before);
    t.clock.now = start + 3_600_000;
    await until(async () => (await status(id)).status === 'sent', 'the scheduled campaign to be sent');
    expect(sink.accepted).toBe(before + 5);
    expect((await status(id)).sentAt).toBe('2030-03-01T10:00:00.000Z');
  });

  it('pauses and resumes a scheduled campaign, and cancels one so that nobody else receives it', async () => {
    t.clock.now = Date.parse('2030-04-01T09:00:00Z');
    const id = await campaign('Paused');
    await t.api('POST', `/api/campaigns/${id}/send`, { at: '2030-04-02T09:00:00Z' });
    expect((await t.api('POST', `/api/campaigns/${id}/pause`)).body).toMatchObject({ status: 'paused', statusReason: 'Paused by a user' });
    expect((await t.api('POST', `/api/campaigns/${id}/pause`)).status).toBe(409);
    expect((await t.api('POST', `/api/campaigns/${id}/resume`)).body).toMatchObject({ status: 'scheduled', statusReason: null });
    const cancelled = await t.api('POST', `/api/campaigns/${id}/cancel`);
    expect(cancelled.body).toMatchObject({ status: 'cancelled' });
    expect((await t.api('POST', `/api/campaigns/${id}/resume`)).status).toBe(409);
    expect((await t.api('POST', `/api/campaigns/${id}/send`, {})).status).toBe(409);
    expect((await t.api('DELETE', `/api/campaigns/${id}`)).status).toBe(409);
  });

  it('pauses a sending campaign: its queued messages wait; resuming sends them; cancelling skips them', async () => {
    const before = sink.accepted;
    const id = await campaign('Pause me');
    // A send without any body means now.
    const sent = await fetch(`${t.baseUrl}/api/campaigns/${id}/send`, { method: 'POST', headers: { authorization: `Bearer ${t.apiKey}` } });
    expect(sent.status).toBe(200);
    expect((await t.api('POST', `/api/campaigns/${id}/pause`)).body.status).toBe('paused');
    sender = startScheduler(t.ctx, { idleMs: 10 });
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.accepted).toBe(before);
    expect((await t.api('POST', `/api/campaigns/${id}/resume`)).body.status).toBe('sending');
    await until(async () => (await status(id)).status === 'sent', 'the resumed campaign to finish');
    expect(sink.accepted).toBe(before + 5);

    await sender.stop();
    sender = undefined;
    const other = await campaign('Cancel me');
    await t.api('POST', `/api/campaigns/${other}/send`, {});
    await t.api('POST', `/api/campaigns/${other}/cancel`);
    const messages = await t.ctx.store.db.selectFrom('messages').select(['status', 'skip_reason']).where('campaign_id', '=', other).execute();
    expect(messages).toHaveLength(5);
    expect(messages.every((m) => m.status === 'skipped' && m.skip_reason === 'cancelled')).toBe(true);
  });

  it('pauses a campaign by itself after many errors in a row, saying why', async () => {
    sink.behaviour.temporaryFailureRate = 1;
    const id = await campaign('Broken relay');
    await t.api('POST', `/api/campaigns/${id}/send`, {});
    sender = startScheduler(t.ctx, { idleMs: 10, retryBaseMs: 1, pauseAfterErrors: 3 });
    await until(async () => (await status(id)).status === 'paused', 'the campaign to pause itself');
    expect((await status(id)).statusReason).toMatch(/^Paused after 3 sending errors in a row; last: 4\d\d /);
    const messages = await t.ctx.store.db.selectFrom('messages').select(['status', 'lease_owner']).where('campaign_id', '=', id).execute();
    expect(messages.every((m) => m.status === 'queued' && m.lease_owner === null)).toBe(true);
  });

  it('pauses a campaign whose channel cannot be opened, saying why, and keeps its messages queued', async () => {
    const broken = { ...t.ctx, config: { ...t.ctx.config, dkim: { domain: 'shop.test', selector: 's', privateKey: undefined, privateKeyFile: '/nonexistent/dkim.pem' } } };
    const id = await campaign('No key');
    await t.api('POST', `/api/campaigns/${id}/send`, {});
    sender = startScheduler(broken, { idleMs: 10 });
    await until(async () => (await status(id)).status === 'paused', 'the campaign to pause itself');
    expect((await status(id)).statusReason).toMatch(/^The email channel could not be opened: .*\/nonexistent\/dkim\.pem/);
    const messages = await t.ctx.store.db.selectFrom('messages').select(['status', 'attempts', 'lease_owner']).where('campaign_id', '=', id).execute();
    expect(messages).toHaveLength(5);
    expect(messages.every((m) => m.status === 'queued' && m.attempts === 0 && m.lease_owner === null)).toBe(true);
  });
});
