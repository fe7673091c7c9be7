import type { CampaignStatus } from '../db/schema.js';
import type { AppContext } from '../context.js';
import { releaseExpiredLeases } from '../delivery/queue.js';
import { badRequest, conflict } from '../http/errors.js';
import { campaignRow, getCampaign, toCampaign } from './campaigns.js';
import { materializeAudience } from './materialize.js';
import type { Campaign, Progress } from './schemas.js';

/**
 * A campaign's life: draft → scheduled → sending → sent, or paused / cancelled.
 * Every change is one conditional UPDATE (… WHERE status IN …), so that two
 * requests or two workers racing on the same campaign cannot both win.
 */

function refuse(action: string, status: CampaignStatus, allowed: CampaignStatus[]) {
  return conflict(`A ${status} campaign cannot be ${action}; only ${allowed.join(' or ')} campaigns can`, { status });
}

/** Sends now, or at `at` when it is in the future. Anything but a draft or a scheduled campaign: 409, nothing sent. */
export async function sendCampaign(ctx: AppContext, id: number, at?: string): Promise<Campaign> {
  const row = await campaignRow(ctx, id);
  const from: CampaignStatus[] = ['draft', 'scheduled'];
  if (!from.includes(row.status)) throw refuse('sent', row.status, from);
  const listIds = (ctx.store.dialect.readJson(row.list_ids) as number[] | null) ?? [];
  if (!row.audience_snapshot && !listIds.length) throw badRequest('$.listIds is empty: pick at least one list to send to', '$.listIds');
  const when = at === undefined ? ctx.now() : Date.parse(at);
  if (when > ctx.now()) {
    const scheduled = await ctx.store.db
      .updateTable('campaigns')
      .set({ status: 'scheduled', scheduled_at: when, status_reason: null, updated_at: ctx.now() })
      .where('id', '=', id)
      .where('status', 'in', from)
      .returningAll()
      .executeTakeFirst();
    if (!scheduled) throw refuse('sent', (await campaignRow(ctx, id)).status, from);
    return toCampaign(scheduled, ctx.store);
  }
  if (!(await startCampaign(ctx, id, from))) throw refuse('sent', (await campaignRow(ctx, id)).status, from);
  return getCampaign(ctx, id);
}

/**
 * Moves the campaign to `sending` and materialises its audience, in one
 * transaction: either both happen or neither. False when its status was not in `from`.
 */
export async function startCampaign(ctx: AppContext, id: number, from: CampaignStatus[]): Promise<boolean> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const now = ctx.now();
    const row = await trx
      .updateTable('campaigns')
      .set((eb) => ({ status: 'sending', sent_at: now, scheduled_at: eb.fn.coalesce('scheduled_at', eb.val(now)), status_reason: null, updated_at: now }))
      .where('id', '=', id)
      .where('status', 'in', from)
      .returningAll()
      .executeTakeFirst();
    if (!row) return false;
    await materializeAudience(trx, ctx.store, row);
    return true;
  });
}

/** Scheduled campaigns whose time has come; each starts once even with many workers. */
export async function startDueCampaigns(ctx: AppContext): Promise<number> {
  const due = await ctx.store.db
    .selectFrom('campaigns')
    .select('id')
    .where('status', '=', 'scheduled')
    .where('scheduled_at', '<=', ctx.now())
    .orderBy('scheduled_at')
    .execute();
  let started = 0;
  for (const { id } of due) if (await startCampaign(ctx, id, ['scheduled'])) started++;
  return started;
}

/** Sending campaigns by id: the sender takes them in turn. */
export async function sendingCampaignIds(ctx: AppContext): Promise<number[]> {
  const rows = await ctx.store.db.selectFrom('campaigns').select('id').where('status', '=', 'sending').orderBy('id').execute();
  return rows.map((row) => row.id);
}

export async function isSending(ctx: AppContext, id: number): Promise<boolean> {
  const row = await ctx.store.db.selectFrom('campaigns').select('status').where('id', '=', id).executeTakeFirst();
  return row?.status === 'sending';
}

/** The sender pauses a sending campaign that cannot go on, saying why; `resume` carries on. False when it was no longer sending. */
export async function pauseWithReason(ctx: AppContext, id: number, reason: string): Promise<boolean> {
  const result = await ctx.store.db
    .updateTable('campaigns')
    .set({ status: 'paused', status_reason: reason, updated_at: ctx.now() })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Says why a sending campaign holds (an SMS campaign outside the legal send window), or clears it with null; it stays sending. */
export async function setHoldReason(ctx: AppContext, id: number, reason: string | null): Promise<void> {
  await ctx.store.db.updateTable('campaigns').set({ status_reason: reason, updated_at: ctx.now() }).where('id', '=', id).where('status', '=', 'sending').execute();
}

/** A sending campaign with no queued message left becomes sent; answers whether this call made it so. */
export async function finishIfDone(ctx: AppContext, id: number): Promise<boolean> {
  const now = ctx.now();
  const result = await ctx.store.db
    .updateTable('campaigns')
    .set({ status: 'sent', finished_at: now, updated_at: now })
    .where('id', '=', id)
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
export async function reclaimExpiredLeases(ctx: AppContext, id: number): Promise<number> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const released = await releaseExpiredLeases(trx, id, ctx.now());
    if (released) {
      await trx
        .updateTable('campaigns')
        .set((eb) => ({ reclaimed: eb('reclaimed', '+', released) }))
        .where('id', '=', id)
        .execute();
    }
    return released;
  });
}

async function transition(
  ctx: AppContext,
  id: number,
  action: string,
  from: CampaignStatus[],
  set: (row: { sent_at: number | null }) => { status: CampaignStatus; status_reason?: string | null; finished_at?: number },
): Promise<Campaign> {
  const row = await campaignRow(ctx, id);
  if (!from.includes(row.status)) throw refuse(action, row.status, from);
  const updated = await ctx.store.db
    .updateTable('campaigns')
    .set({ ...set(row), updated_at: ctx.now() })
    .where('id', '=', id)
    .where('status', '=', row.status)
    .returningAll()
    .executeTakeFirst();
  if (!updated) throw refuse(action, (await campaignRow(ctx, id)).status, from);
  return toCampaign(updated, ctx.store);
}

/** Stops sending after the batch in flight; a scheduled campaign stays unsent until resumed. */
export const pauseCampaign = (ctx: AppContext, id: number) =>
  transition(ctx, id, 'paused', ['scheduled', 'sending'], () => ({ status: 'paused', status_reason: 'Paused by a user' }));

/** Back to sending if it had started, otherwise back to waiting for its time. */
export const resumeCampaign = (ctx: AppContext, id: number) =>
  transition(ctx, id, 'resumed', ['paused'], (row) => ({ status: row.sent_at === null ? 'scheduled' : 'sending', status_reason: null }));

/** Nobody else receives it; messages not yet sent are skipped as cancelled. */
export async function cancelCampaign(ctx: AppContext, id: number): Promise<Campaign> {
  const campaign = await transition(ctx, id, 'cancelled', ['scheduled', 'sending', 'paused'], () => ({
    status: 'cancelled',
    status_reason: 'Cancelled by a user',
    finished_at: ctx.now(),
  }));
  await ctx.store.db
    .updateTable('messages')
    .set({ status: 'skipped', skip_reason: 'cancelled' })
    .where('campaign_id', '=', id)
    .where('status', '=', 'queued')
    .execute();
  return campaign;
}

export async function campaignProgress(ctx: AppContext, id: number): Promise<Progress> {
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
