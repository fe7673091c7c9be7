import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.js';
import { addMessage } from '../../test/support/audienceScenario.js';
import { useSpringSale } from '../../test/support/springSale.js';

describeEachDatabase('lineage', (kind) => {
  const { t, s } = useSpringSale(kind);

  it('shows a campaign beside its parent and its relaunches, with their rates', async () => {
    const inactive = (await t.api('POST', `/api/campaigns/${s.campaignId}/actions/relaunch`, { segment: 'inactive' })).body.campaign;
    const clickers = (await t.api('POST', `/api/campaigns/${s.campaignId}/actions/relaunch`, { segment: 'clickers' })).body.campaign;
    // The inactive relaunch went out: carol opened and clicked it this time, frank did nothing.
    await t.ctx.store.db.updateTable('campaigns').set({ status: 'sent', sent_at: t.ctx.now() }).where('id', '=', inactive.id).execute();
    await addMessage(t.ctx, inactive.id, s.ids.carol!, { opens: 1, humanOpens: 1, clicks: 1, humanClicks: 1 });
    await addMessage(t.ctx, inactive.id, s.ids.frank!, {});

    const original = await t.api('GET', `/api/campaigns/${s.campaignId}/lineage`);
    expect(original.status).toBe(200);
    expect(original.body.items.map((i: any) => [i.role, i.campaign.id])).toEqual([
      ['campaign', s.campaignId],
      ['relaunch', inactive.id],
      ['relaunch', clickers.id],
    ]);
    // Spring sale: 9 messages with a send (gina skipped), 8 received (dan bounced; hank still counts in aggregates).
    const spring = original.body.items[0];
    expect(spring).toMatchObject({ received: 8, clickers: 2 });
    expect(spring.rates.click).toBeCloseTo(2 / 8);
    expect(spring.rates.open).toBeCloseTo(spring.openers / 8);

    const relaunch = await t.api('GET', `/api/campaigns/${inactive.id}/lineage`);
    expect(relaunch.body.items.map((i: any) => i.role)).toEqual(['parent', 'campaign']);
    expect(relaunch.body.items[1]).toMatchObject({
      campaign: { id: inactive.id, audienceLabel: 'inactive', parentCampaignId: s.campaignId },
      received: 2,
      openers: 1,
      clickers: 1,
      rates: { open: 0.5, click: 0.5, clickToOpen: 1 },
    });
    expect((await t.api('GET', '/api/campaigns/999999/lineage')).status).toBe(404);
  });
});
