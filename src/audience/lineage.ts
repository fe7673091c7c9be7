import { campaignRow } from '../campaigns/campaigns.js';
import type { CampaignRow } from '../db/schema.js';
import type { WorkspaceContext } from '../context.js';
import { iso } from '../http/schemas.js';
import { campaignStats } from '../tracking/stats.js';
import type { Lineage } from './schemas.js';

/**
 * A campaign beside its parent and its relaunches, with the same figures as each
 * one's statistics page (SPEC §2), so that a retargeting's effect can be compared.
 */
export async function lineage(ctx: WorkspaceContext, id: number): Promise<Lineage> {
  const campaign = await campaignRow(ctx, id);
  const db = ctx.store.db;
  const parent = campaign.parent_campaign_id === null
    ? undefined
    : await db.selectFrom('campaigns').selectAll().where('id', '=', campaign.parent_campaign_id).where('workspace_id', '=', ctx.workspaceId).executeTakeFirst();
  const relaunches = await db
    .selectFrom('campaigns')
    .selectAll()
    .where('parent_campaign_id', '=', id)
    .where('workspace_id', '=', ctx.workspaceId)
    .orderBy('id')
    .execute();
  type Role = Lineage['items'][number]['role'];
  const members: Array<{ role: Role; row: CampaignRow }> = [
    ...(parent ? [{ role: 'parent' as const, row: parent }] : []),
    { role: 'campaign', row: campaign },
    ...relaunches.map((row) => ({ role: 'relaunch' as const, row })),
  ];
  const items = [];
  for (const { role, row } of members) {
    const stats = await campaignStats(ctx, row.id);
    items.push({
      role,
      campaign: {
        id: row.id,
        name: row.name,
        channel: row.channel,
        status: row.status,
        audienceLabel: row.audience_label,
        parentCampaignId: row.parent_campaign_id,
        sentAt: iso(row.sent_at),
      },
      sent: stats.sent,
      received: stats.received,
      openers: stats.opens.unique,
      clickers: stats.clicks.unique,
      unsubscribed: stats.unsubscribed,
      rates: stats.rates,
      humanRates: stats.humanRates,
    });
  }
  return { items };
}
