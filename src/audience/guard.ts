import { sql } from 'kysely';
import type { WorkspaceContext } from '../context.js';
import { campaignRow } from '../campaigns/campaigns.js';
import { isDormant, wouldReceive } from '../campaigns/dormant.js';
import type { GuardResult } from '../campaigns/schemas.js';
import { countView, resolveView, type AudienceView } from './view.js';

/**
 * The relaunch guard (SPEC §11): of a campaign's audience (a draft's lists, or a sent
 * campaign's view), how many were sent each of their last `lastN` campaigns and made
 * no human open or click in any of them. Both counts read contacts.ignored_streak
 * (see campaigns/dormant.ts), never the message history.
 */
export async function campaignGuard(ctx: WorkspaceContext, id: number, requested: AudienceView, lastN: number): Promise<GuardResult> {
  const campaign = await campaignRow(ctx, id);
  const db = ctx.store.db;
  if (campaign.sent_at === null) {
    // Not started: whom it would send to now.
    const listIds = (ctx.store.dialect.readJson(campaign.list_ids) as number[] | null) ?? [];
    const row = await wouldReceive(db, campaign, listIds)
      .select([sql<number>`count(*)`.as('total'), sql<number>`coalesce(sum(case when ${isDormant(lastN)} then 1 else 0 end), 0)`.as('dormant')])
      .executeTakeFirstOrThrow();
    return { total: Number(row.total), dormant: Number(row.dormant), lastN };
  }
  const view = await resolveView(ctx, id, requested);
  // The dormant of the workspace (an index range) that are in the view, beside the view's own count.
  const dormant = db
    .selectFrom('contacts as c')
    .select(sql<number>`count(*)`.as('n'))
    .where('c.workspace_id', '=', ctx.workspaceId)
    .where('c.ignored_streak', '>=', lastN)
    .where('c.tracking_consent', '=', 1)
    .where(({ exists, selectFrom }) => exists(selectFrom('messages as m').select(sql`1`.as('one')).whereRef('m.contact_id', '=', 'c.id').where(view.where)));
  const [total, row] = await Promise.all([countView(db, view), dormant.executeTakeFirstOrThrow()]);
  return { total, dormant: Number(row.n), lastN };
}
