import { recordAudit } from '../audit/audit.js';
import { campaignRow } from '../campaigns/campaigns.js';
import { inWorkspace, type AppContext, type WorkspaceContext } from '../context.js';
import { AppError, badRequest, conflict, notFound } from '../http/errors.js';
import { iso } from '../http/schemas.js';
import { insertRelaunch } from './actions.js';
import { DAY_MS } from './compile.js';
import type { AutoRelaunch, AutoRelaunchRequest } from './schemas.js';
import { segmentFilter, type Segment } from './segments.js';
import { resolveView } from './view.js';

/**
 * Auto-relaunch: "n days after the send, relaunch to whoever is then in this
 * segment" (resend to non-openers). The scheduler calls runDueAutoRelaunches;
 * the snapshot is taken when it runs, not when it was asked for. Rows have no
 * workspace of their own: they are reached through their campaign, checked first.
 */

type Row = {
  id: number;
  campaign_id: number;
  after_days: number;
  segment: string;
  human: number;
  subject: string | null;
  run_at: number;
  status: AutoRelaunch['status'];
  relaunch_campaign_id: number | null;
  created_at: number;
};

const toAutoRelaunch = (row: Row): AutoRelaunch => ({
  id: row.id,
  campaignId: row.campaign_id,
  afterDays: row.after_days,
  segment: row.segment as Segment,
  human: row.human === 1,
  subject: row.subject,
  runAt: iso(row.run_at)!,
  status: row.status,
  relaunchCampaignId: row.relaunch_campaign_id,
  createdAt: iso(row.created_at)!,
});

export async function createAutoRelaunch(ctx: WorkspaceContext, campaignId: number, request: AutoRelaunchRequest): Promise<AutoRelaunch> {
  const campaign = await campaignRow(ctx, campaignId);
  if (campaign.sent_at === null) throw conflict(`"${campaign.name}" has not been sent yet: an auto-relaunch counts days from the send`, { status: campaign.status });
  segmentFilter(request.segment, campaign.channel, '$.segment');
  if (request.subject !== undefined && campaign.channel === 'sms') throw badRequest('$.subject: SMS campaigns have no subject', '$.subject');
  const row = await ctx.store.db
    .insertInto('auto_relaunches')
    .values({
      campaign_id: campaignId,
      after_days: request.afterDays,
      segment: request.segment,
      human: request.human ? 1 : 0,
      subject: request.subject ?? null,
      run_at: campaign.sent_at + request.afterDays * DAY_MS,
      created_at: ctx.now(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(ctx, { action: 'autoRelaunch.create', objectType: 'campaign', objectId: campaignId, details: { autoRelaunchId: row.id, afterDays: request.afterDays, segment: request.segment } });
  return toAutoRelaunch(row);
}

export async function listAutoRelaunches(ctx: WorkspaceContext, campaignId: number): Promise<AutoRelaunch[]> {
  await campaignRow(ctx, campaignId);
  const rows = await ctx.store.db.selectFrom('auto_relaunches').selectAll().where('campaign_id', '=', campaignId).orderBy('id').execute();
  return rows.map(toAutoRelaunch);
}

export async function cancelAutoRelaunch(ctx: WorkspaceContext, campaignId: number, id: number): Promise<AutoRelaunch> {
  await campaignRow(ctx, campaignId);
  const row = await ctx.store.db
    .updateTable('auto_relaunches')
    .set({ status: 'cancelled' })
    .where('id', '=', id)
    .where('campaign_id', '=', campaignId)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
  if (row) {
    await recordAudit(ctx, { action: 'autoRelaunch.cancel', objectType: 'campaign', objectId: campaignId, details: { autoRelaunchId: id } });
    return toAutoRelaunch(row);
  }
  const current = await ctx.store.db.selectFrom('auto_relaunches').select('status').where('id', '=', id).where('campaign_id', '=', campaignId).executeTakeFirst();
  if (!current) throw notFound('Auto-relaunch');
  throw conflict(`This auto-relaunch is ${current.status}; only a pending one can be cancelled`, { status: current.status });
}

/**
 * Creates the relaunches whose time has come, each scheduled to start now. Claiming
 * the row and creating the campaign happen in one transaction, so with any number
 * of workers each runs exactly once, and a crash leaves it pending. Each works in
 * its campaign's workspace, as Ricochet itself. Answers how many were created.
 */
export async function runDueAutoRelaunches(app: AppContext): Promise<number> {
  const due = await app.store.db
    .selectFrom('auto_relaunches as a')
    .innerJoin('campaigns as c', 'c.id', 'a.campaign_id')
    .selectAll('a')
    .select('c.workspace_id')
    .where('a.status', '=', 'pending')
    .where('a.run_at', '<=', app.now())
    .orderBy('a.run_at')
    .execute();
  let created = 0;
  for (const auto of due) {
    const ctx = inWorkspace(app, auto.workspace_id);
    try {
      const segment = { name: auto.segment as Segment, path: 'auto_relaunches.segment' };
      const view = await resolveView(ctx, auto.campaign_id, { segment, human: auto.human === 1 });
      const made = await ctx.store.db.transaction().execute(async (trx) => {
        const claimed = await trx.updateTable('auto_relaunches').set({ status: 'done' }).where('id', '=', auto.id).where('status', '=', 'pending').executeTakeFirst();
        if (!claimed.numUpdatedRows) return false;
        const { campaign } = await insertRelaunch(trx, ctx, view, { sendAt: ctx.now(), subject: auto.subject ?? undefined });
        await trx.updateTable('auto_relaunches').set({ relaunch_campaign_id: campaign.id }).where('id', '=', auto.id).execute();
        return true;
      });
      if (made) created++;
    } catch (error) {
      // Refused by Ricochet's own rules (e.g. its campaign is gone): it never will be made. Anything else is retried.
      if (!(error instanceof AppError)) throw error;
      await ctx.store.db.updateTable('auto_relaunches').set({ status: 'failed' }).where('id', '=', auto.id).where('status', '=', 'pending').execute();
    }
  }
  return created;
}
