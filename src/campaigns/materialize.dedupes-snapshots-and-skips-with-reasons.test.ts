import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { startScheduler } from '../scheduler/scheduler.js';
import { startCampaign } from './sending.js';

describeEachDatabase('audience materialisation', (kind) => {
  let t: TestApp;
  const ids: Record<string, number> = {};
  let a: number;
  let b: number;

  const messagesOf = async (campaignId: number) =>
    Object.fromEntries(
      (
        await t.ctx.store.db
          .selectFrom('messages')
          .innerJoin('contacts', 'contacts.id', 'messages.contact_id')
          .select(['messages.contact_id', 'messages.status', 'messages.skip_reason'])
          .where('campaign_id', '=', campaignId)
          .execute()
      ).map((m) => [Object.keys(ids).find((k) => ids[k] === m.contact_id)!, m.skip_reason ?? m.status]),
    );

  beforeAll(async () => {
    t = await startTestApp(kind, { SMS_SEND_WINDOW: 'always' });
    a = (await t.api('POST', '/api/lists', { name: 'A' })).body.id;
    b = (await t.api('POST', '/api/lists', { name: 'B' })).body.id;
    const add = async (name: string, body: object) => (ids[name] = (await t.api('POST', '/api/contacts', body)).body.id);
    await add('both', { email: 'both@x.test', phone: '+33612345601', listIds: [a, b] });
    await add('emailOnly', { email: 'email@x.test', listIds: [a] });
    await add('phoneOnly', { phone: '+33612345602', listIds: [b] });
    await add('noSms', { email: 'nosms@x.test', phone: '+33612345603', smsStatus: 'unsubscribed', listIds: [a] });
    await add('complained', { email: 'c@x.test', emailStatus: 'complained', listIds: [b] });
    await add('elsewhere', { email: 'else@x.test' });
  });
  afterAll(() => t.close());

  it('freezes one row per contact of the union of lists, with a reason for each skipped one', async () => {
    const id = (await t.api('POST', '/api/campaigns', { name: 'E', subject: 'S', fromEmail: 'n@x.test', html: 'x', listIds: [a, b] })).body.id;
    expect(await startCampaign(t.ctx, id, ['draft'])).toBe(true);
    expect(await startCampaign(t.ctx, id, ['draft'])).toBe(false);
    expect(await messagesOf(id)).toEqual({ both: 'queued', emailOnly: 'queued', noSms: 'queued', phoneOnly: 'no_address', complained: 'complained' });
    // Later list changes never change a send in flight.
    await t.api('POST', `/api/lists/${a}/contacts`, { contactIds: [ids.elsewhere] });
    expect(Object.keys(await messagesOf(id))).not.toContain('elsewhere');
  });

  it('uses the snapshot of a relaunch instead of its lists, skipping who unsubscribed since', async () => {
    const id = (await t.api('POST', '/api/campaigns', { name: 'Relaunch', subject: 'S', fromEmail: 'n@x.test', html: 'x', listIds: [a] })).body.id;
    await t.ctx.store.db.updateTable('campaigns').set({ audience_snapshot: 1 }).where('id', '=', id).execute();
    await t.ctx.store.db.insertInto('campaign_audience').values([ids.both!, ids.elsewhere!, ids.complained!].map((contact_id) => ({ campaign_id: id, contact_id }))).execute();
    await t.api('PATCH', `/api/contacts/${ids.elsewhere}`, { emailStatus: 'unsubscribed' });
    const sent = await t.api('POST', `/api/campaigns/${id}/send`, {});
    expect(sent.body.status).toBe('sending');
    expect(await messagesOf(id)).toEqual({ both: 'queued', elsewhere: 'unsubscribed', complained: 'complained' });
    await t.api('PATCH', `/api/contacts/${ids.elsewhere}`, { emailStatus: 'subscribed' });
  });

  it('sends an SMS campaign to the contacts with a phone who did not opt out of SMS', async () => {
    const id = (await t.api('POST', '/api/campaigns', { channel: 'sms', name: 'SMS', body: 'Sale {{ contact.firstName | default: "now" }} https://shop.test/s', senderId: 'SHOP', listIds: [a, b] })).body.id;
    await t.api('POST', `/api/campaigns/${id}/send`, {});
    expect(await messagesOf(id)).toEqual({ both: 'queued', phoneOnly: 'queued', noSms: 'unsubscribed', emailOnly: 'no_address', complained: 'no_address', elsewhere: 'no_address' });
    const sender = startScheduler(t.ctx, { idleMs: 10 });
    for (let i = 0; i < 800 && (await t.api('GET', `/api/campaigns/${id}`)).body.status !== 'sent'; i++) await new Promise((r) => setTimeout(r, 25));
    await sender.stop();
    expect((await t.api('GET', `/api/campaigns/${id}`)).body.status).toBe('sent');
    const files = readdirSync(join(t.ctx.config.dataDir, 'outbox')).filter((f) => f.endsWith('.sms.txt'));
    expect(files).toHaveLength(2);
    const sent = await t.ctx.store.db.selectFrom('messages').select('status').where('campaign_id', '=', id).where('status', 'not in', ['skipped']).execute();
    expect(sent).toHaveLength(2);
    expect(sent.every((m) => m.status === 'sent' || m.status === 'delivered')).toBe(true);
  });
});
