import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.js';
import { startDueCampaigns } from '../campaigns/sending.js';
import { runDueAutoRelaunches } from './autoRelaunch.js';
import { addCampaign } from '../../test/support/audienceScenario.js';
import { DAY, SENT_AT, useSpringSale } from '../../test/support/springSale.js';

describeEachDatabase('auto-relaunch', (kind) => {
  const { t, s } = useSpringSale(kind);

  it('relaunches, when due and once, to whoever is in the segment at that moment', async () => {
    t.clock.now = SENT_AT + DAY;
    const created = await t.api('POST', `/api/campaigns/${s.campaignId}/auto-relaunch`, { afterDays: 3, segment: 'inactive', subject: 'Still interested?' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ campaignId: s.campaignId, afterDays: 3, segment: 'inactive', human: false, status: 'pending', runAt: new Date(SENT_AT + 3 * DAY).toISOString(), relaunchCampaignId: null });

    t.clock.now = SENT_AT + 2 * DAY;
    expect(await runDueAutoRelaunches(t.ctx)).toBe(0);
    // Carol opens on day 2: she is no longer inactive when the relaunch is made.
    await t.ctx.store.db.updateTable('messages').set({ opens: 1 }).where('campaign_id', '=', s.campaignId).where('contact_id', '=', s.ids.carol!).execute();

    t.clock.now = SENT_AT + 3 * DAY + 3_600_000;
    const [first, second] = await Promise.all([runDueAutoRelaunches(t.ctx), runDueAutoRelaunches(t.ctx)]);
    expect(first + second).toBe(1);
    expect(await runDueAutoRelaunches(t.ctx)).toBe(0);

    const [done] = (await t.api('GET', `/api/campaigns/${s.campaignId}/auto-relaunch`)).body;
    expect(done).toMatchObject({ status: 'done', relaunchCampaignId: expect.any(Number) });
    const relaunch = (await t.api('GET', `/api/campaigns/${done.relaunchCampaignId}`)).body;
    expect(relaunch).toMatchObject({
      name: 'Copy D + 3 - inactive: Spring sale',
      subject: 'Still interested?',
      status: 'scheduled',
      scheduledAt: new Date(t.clock.now).toISOString(),
      parentCampaignId: s.campaignId,
      audienceLabel: 'inactive',
    });
    const snapshot = await t.ctx.store.db.selectFrom('campaign_audience').select('contact_id').where('campaign_id', '=', relaunch.id).execute();
    expect(s.names(snapshot.map((r) => r.contact_id))).toEqual(['frank']);

    // The sender's loop starts it like any scheduled campaign.
    expect(await startDueCampaigns(t.ctx)).toBe(1);
    const messages = await t.ctx.store.db.selectFrom('messages').select(['contact_id', 'status']).where('campaign_id', '=', relaunch.id).execute();
    expect(messages).toEqual([{ contact_id: s.ids.frank, status: 'queued' }]);
    t.clock.real();
  });

  it('can be cancelled while pending, and then never runs', async () => {
    const created = await t.api('POST', `/api/campaigns/${s.campaignId}/auto-relaunch`, { afterDays: 5, segment: 'clickers', human: true });
    const cancelled = await t.api('POST', `/api/campaigns/${s.campaignId}/auto-relaunch/${created.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await t.api('POST', `/api/campaigns/${s.campaignId}/auto-relaunch/${created.body.id}/cancel`)).status).toBe(409);
    expect((await t.api('POST', `/api/campaigns/${s.campaignId}/auto-relaunch/999999/cancel`)).status).toBe(404);
    t.clock.now = SENT_AT + 30 * DAY;
    expect(await runDueAutoRelaunches(t.ctx)).toBe(0);
    t.clock.real();
  });

  it('needs a sent campaign and a segment its channel has', async () => {
    const draft = await addCampaign(t.ctx, { sentAt: null });
    expect((await t.api('POST', `/api/campaigns/${draft.id}/auto-relaunch`, { afterDays: 2, segment: 'inactive' })).status).toBe(409);
    const sms = await addCampaign(t.ctx, { channel: 'sms' });
    const openers = await t.api('POST', `/api/campaigns/${sms.id}/auto-relaunch`, { afterDays: 2, segment: 'openers' });
    expect(openers.status).toBe(400);
    expect(openers.body.error.path).toBe('$.segment');
    const negative = await t.api('POST', `/api/campaigns/${s.campaignId}/auto-relaunch`, { afterDays: -1, segment: 'inactive' });
    expect(negative.status).toBe(400);
    expect(negative.body.error.path).toBe('$.afterDays');
  });
});
