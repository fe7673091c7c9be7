import type { Kysely } from 'kysely';
import { recordAudit, type AuditEntry } from '../audit/audit.js';
import type { CampaignRow, CampaignStatus, Database } from '../db/schema.js';
import { inWorkspace, type AppContext, type WorkspaceContext } from '../context.js';
import { releaseExpiredLeases } from '../delivery/queue.js';
import { assertSenderAllowed } from '../domains/domains.js';
import { AppError, badRequest, conflict } from '../http/errors.js';
import { iso } from '../http/schemas.js';
import { campaignRow, getCampaign, toCampaign } from './campaigns.js';
import { materializeAudience } from './materialize.js';
import { assertChecksPass } from './checks.js';
import { DEFAULT_LAST_N, dormantLeftOut } from './dormant.js';
import type { Campaign, Progress, SendRequest } from './schemas.js';

/**
 * A campaign's life: draft → scheduled → sending → sent, or paused / cancelled.
 * Every change is one conditional UPDATE (… WHERE status IN …), so that two
 * requests or two workers racing on the same campaign cannot both win. A change
 * a person asks for is audited in the same transaction: both commit or neither.
 * Background work (the scheduler, the sender) acts in the campaign's own workspace.
 */

function refuse(action: string, status: CampaignStatus, allowed: CampaignStatus[]) {
  return conflict(`A ${status} campaign cannot be ${action}; only ${allowed.join(' or ')} campaigns can`, { status });
}

const audited = (action: AuditEntry['action'], id: number, details?: Record<string, unknown>): AuditEntry => ({ action, objectType: 'campaign', objectId: id, details });

/** An email campaign's From must still be on one of the workspace's sending domains: one may have been added since it was written. */
async function assertMaySendFrom(ctx: WorkspaceContext, row: CampaignRow): Promise<void> {
  if (row.channel === 'email' && row.from_email) await assertSenderAllowed(ctx, row.from_email);
}

/**
 * Sends now, or at `at` when it is in the future. Anything but a draft or a scheduled campaign: 409, nothing sent;
 * an error among the pre-send checks: 409 `checks_failed`.
 */
export async function sendCampaign(ctx: WorkspaceContext, id: number, request: SendRequest = {}): Promise<Campaign> {
  const { at } = request;
  // Kept on the campaign until its audience is frozen, now or at its time.
  const excludeDormant = request.excludeDormant ? (request.lastN ?? DEFAULT_LAST_N) : null;
  const row = await campaignRow(ctx, id);
  const from: CampaignStatus[] = ['draft', 'scheduled'];
  if (!from.includes(row.status)) throw refuse('sent', row.status, from);
  const listIds = (ctx.store.dialect.readJson(row.list_ids) as number[] | null) ?? [];
  if (!row.audience_snapshot && !listIds.length) throw badRequest('$.listIds is empty: pick at least one list to send to', '$.listIds');
  await assertMaySendFrom(ctx, row);
  await assertChecksPass(ctx, row);
  const when = at === undefined ? ctx.now() : Date.parse(at);
  // A time that has passed is a mistake to say, not a reason to send at once; a minute covers clocks and a slow form.
  if (when < ctx.now() - 60_000) throw badRequest(`$.at ${at} has passed: send now without at, or pick a time to come`, '$.at');
  if (when > ctx.now()) {
    const scheduled = await ctx.store.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('campaigns')
        .set({ status: 'scheduled', scheduled_at: when, status_reason: null, exclude_dormant: excludeDormant, updated_at: ctx.now() })
        .where('id', '=', id)
        .where('workspace_id', '=', ctx.workspaceId)
        .where('status', 'in', from)
        .returningAll()
        .executeTakeFirst();
      if (updated) await recordAudit(ctx, audited('campaign.schedule', id, { at: iso(when), ...(excludeDormant && { excludeDormant }) }), trx);
      return updated;
    });
    if (!scheduled) throw refuse('sent', (await campaignRow(ctx, id)).status, from);
    return toCampaign(scheduled, ctx.store);
  }
  if (!(await startCampaign(ctx, id, from, { audit: true, excludeDormant }))) throw refuse('sent', (await campaignRow(ctx, id)).status, from);
  return getCampaign(ctx, id);
}

/**
 * Moves the campaign to `sending` and materialises its audience, in one
 * transaction: either both happen or neither. False when its status was not in `from`.
 * `audit`: a person sends it now (`campaign.send`, with the size of the audience);
 * a scheduled start is the consequence of the `campaign.schedule` already recorded.
 */
export async function startCampaign(
  ctx: WorkspaceContext,
  id: number,
  from: CampaignStatus[],
  options: { audit?: boolean; excludeDormant?: number | null } = {},
): Promise<boolean> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const now = ctx.now();
    const row = await trx
      .updateTable('campaigns')
      .set((eb) => ({
        status: 'sending',
        sent_at: now,
        scheduled_at: eb.fn.coalesce('scheduled_at', eb.val(now)),
        status_reason: null,
        ...(options.excludeDormant !== undefined && { exclude_dormant: options.excludeDormant }),
        updated_at: now,
      }))
      .where('id', '=', id)
      .where('workspace_id', '=', ctx.workspaceId)
      .where('status', 'in', from)
      .returningAll()
      .executeTakeFirst();
    if (!row) return false;
    const audience = await materializeAudience(trx, ctx.store, row);
    if (options.audit) {
      const dormant = row.exclude_dormant ? { excludeDormant: row.exclude_dormant, dormantLeftOut: await dormantLeftOut(trx, id) } : {};
      await recordAudit(ctx, audited('campaign.send', id, { audience, ...dormant }), trx);
    }
    return true;
  });
}

/**
 * Scheduled campaigns whose time has come, across workspaces; each starts once even
 * with many workers. One whose From address is no longer on a sending domain of its
 * workspace (a domain was added since it was scheduled) goes back to draft, saying
 * why, to be corrected and sent again.
 */
export async function startDueCampaigns(app: AppContext): Promise<number> {
  const due = await app.store.db
    .selectFrom('campaigns')
    .selectAll()
    .where('status', '=', 'scheduled')
    .where('scheduled_at', '<=', app.now())
    .orderBy('scheduled_at')
    .execute();
  let started = 0;
  for (const row of due) {
    const ctx = inWorkspace(app, row.workspace_id);
    try {
      await assertMaySendFrom(ctx, row);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      await backToDraft(ctx, row.id, `Not sent: ${error.message}`);
      continue;
    }
    if (await startCampaign(ctx, row.id, ['scheduled'])) started++;
  }
  return started;
}

async function backToDraft(ctx: WorkspaceContext, id: number, reason: string): Promise<void> {
  await ctx.store.db
    .updateTable('campaigns')
    .set({ status: 'draft', scheduled_at: null, status_reason: reason, updated_at: ctx.now() })
    .where('id', '=', id)
    .where('workspace_id', '=', ctx.workspaceId)
    .where('status', '=', 'scheduled')
    .execute();
}

/** Sending campaigns of every workspace, by id: the sender takes them in turn. */
export async function sendingCampaigns(app: AppContext): Promise<Array<{ id: number; workspaceId: number }>> {
  const rows = await app.store.db.selectFrom('campaigns').select(['id', 'workspace_id']).where('status', '=', 'sending').orderBy('id').execute();
  return rows.map((row) => ({ id: row.id, workspaceId: row.workspace_id }));
}

export async function isSending(ctx: WorkspaceContext, id: number): Promise<boolean> {
  const row = await ctx.store.db.selectFrom('campaigns').select('status').where('id', '=', id).where('workspace_id', '=', ctx.workspaceId).executeTakeFirst();
  return row?.status === 'sending';
}

/** The sender pauses a sending campaign that cannot go on, saying why; `resume` carries on. False when it was no longer sending. */
export async function pauseWithReason(ctx: WorkspaceContext, id: number, reason: string): Promise<boolean> {
  const result = await ctx.store.db
    .updateTable('campaigns')
    .set({ status: 'paused', status_reason: reason, updated_at: ctx.now() })
    .where('id', '=', id)
    .where('workspace_id', '=', ctx.workspaceId)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Says why a sending campaign holds (an SMS campaign outside the legal send window), or clears it with null; it stays sending. */
export async function setHoldReason(ctx: WorkspaceContext, id: number, reason: string | null): Promise<void> {
  await ctx.store.db
    .updateTable('campaigns')
    .set({ status_reason: reason, updated_at: ctx.now() })
    .where('id', '=', id)
    .where('workspace_id', '=', ctx.workspaceId)
    .where('status', '=', 'sending')
    .execute();
}

/** A sending campaign with no queued message left becomes sent; answers whether this call made it so. */
export async function finishIfDone(ctx: WorkspaceContext, id: number): Promise<boolean> {
  const now = ctx.now();
  const result = await ctx.store.db
    .updateTable('campaigns')
    .set({ status: 'sent', finished_at: now, updated_at: now })
    .where('id', '=', id)
    .where('workspace_id', '=', ctx.workspaceId)
    .where('status', '=', 'sending')
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('messages').select('messages.id').where('messages.campaign_id', '=', id).where('messages.status', '=', 'queued'))),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Puts the campaign's messages whose lease expired (their sender died) back in the
 * queue, and counts them in `reclaimed` in the same transaction: they are the only
 * possible duplicates, so they are never silent.
 */
export async function reclaimExpiredLeases(ctx: WorkspaceContext, id: number): Promise<number> {
  await campaignRow(ctx, id);
  return ctx.store.db.transaction().execute(async (trx) => {
    const released = await releaseExpiredLeases(trx, id, ctx.now());
    if (released) {
      await trx
        .updateTable('campaigns')
        .set((eb) => ({ reclaimed: eb('reclaimed', '+', released) }))
        .where('id', '=', id)
        .where('workspace_id', '=', ctx.workspaceId)
        .execute();
    }
    return released;
  });
}

type Change = { status: CampaignStatus; status_reason?: string | null; finished_at?: number };

/**
 * A status change a person asks for: conditional on the status just read, and
 * audited with `action` in the same transaction, where `also` does its part too.
 */
async function transition(
  ctx: WorkspaceContext,
  id: number,
  verb: string,
  action: AuditEntry['action'],
  from: CampaignStatus[],
  set: (row: CampaignRow) => Change,
  also?: (trx: Kysely<Database>) => Promise<unknown>,
): Promise<Campaign> {
  const row = await campaignRow(ctx, id);
  if (!from.includes(row.status)) throw refuse(verb, row.status, from);
  const updated = await ctx.store.db.transaction().execute(async (trx) => {
    const changed = await trx
      .updateTable('campaigns')
      .set({ ...set(row), updated_at: ctx.now() })
      .where('id', '=', id)
      .where('workspace_id', '=', ctx.workspaceId)
      .where('status', '=', row.status)
      .returningAll()
      .executeTakeFirst();
    if (!changed) return undefined;
    await also?.(trx);
    await recordAudit(ctx, audited(action, id, { from: row.status, to: changed.status }), trx);
    return changed;
  });
  if (!updated) throw refuse(verb, (await campaignRow(ctx, id)).status, from);
  return toCampaign(updated, ctx.store);
}

/** Stops sending after the batch in flight; a scheduled campaign stays unsent until resumed. */
export const pauseCampaign = (ctx: WorkspaceContext, id: number) =>
  transition(ctx, id, 'paused', 'campaign.pause', ['scheduled', 'sending'], () => ({ status: 'paused', status_reason: 'Paused by a user' }));

/** Back to sending if it had started, otherwise back to waiting for its time. */
export const resumeCampaign = (ctx: WorkspaceContext, id: number) =>
  transition(ctx, id, 'resumed', 'campaign.resume', ['paused'], (row) => ({ status: row.sent_at === null ? 'scheduled' : 'sending', status_reason: null }));

/** Nobody else receives it; messages not yet sent are skipped as cancelled, in the same transaction. */
export const cancelCampaign = (ctx: WorkspaceContext, id: number) =>
  transition(
    ctx,
    id,
    'cancelled',
    'campaign.cancel',
    ['scheduled', 'sending', 'paused'],
    () => ({ status: 'cancelled', status_reason: 'Cancelled by a user', finished_at: ctx.now() }),
    (trx) => trx.updateTable('messages').set({ status: 'skipped', skip_reason: 'cancelled' }).where('campaign_id', '=', id).where('status', '=', 'queued').execute(),
  );

export async function campaignProgress(ctx: WorkspaceContext, id: number): Promise<Progress> {
  const row = await campaignRow(ctx, id);
  const counts = await ctx.store.db
    .selectFrom('messages')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('campaign_id', '=', id)
    .groupBy('status')
    .execute();
  const progress: Progress = { total: 0, queued: 0, sent: 0, delivered: 0, bounced: 0, failed: 0, skipped: 0, reclaimed: row.reclaimed };
  for (const { status, n } of counts) {
    progress[status] = Number(n);
    progress.total += Number(n);
  }
  return progress;
}
