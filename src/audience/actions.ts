import { sql, type Kysely, type SqlBool } from 'kysely';
import { toCampaign } from '../campaigns/campaigns.js';
import type { AbTest, Campaign } from '../campaigns/schemas.js';
import { DEFAULT_LAST_N, isDormant } from '../campaigns/dormant.js';
import { getList } from '../contacts/lists.js';
import { recordAudit } from '../audit/audit.js';
import type { Database } from '../db/schema.js';
import type { WorkspaceContext } from '../context.js';
import { may } from '../http/access.js';
import { AppError, badRequest, conflict } from '../http/errors.js';
import { DAY_MS } from './compile.js';
import type { RelaunchRequest } from './schemas.js';
import { countView, resolveView, viewDetails, viewRows, type AudienceView, type View } from './view.js';

/**
 * The Actions menu: a list or a relaunch made from exactly the rows of a view.
 * Both are one INSERT … SELECT over the view's WHERE clause, so the database does
 * the work and the result is what the user saw, whatever its size. Each is audited
 * with the view it was made from and how many contacts it took, in its transaction.
 */

/** Into a new list (named `name`, or after the campaign and the view) or the existing list `listId`. */
export interface ListTarget {
  name?: string;
  listId?: number;
}

export async function createListFromView(ctx: WorkspaceContext, campaignId: number, requested: AudienceView, target: ListTarget) {
  const view = await resolveView(ctx, campaignId, requested);
  if (target.listId !== undefined) await getList(ctx, target.listId);
  const now = ctx.now();
  const { listId, added, count } = await ctx.store.db.transaction().execute(async (trx) => {
    const listId =
      target.listId ??
      (
        await trx
          .insertInto('lists')
          .values({ workspace_id: ctx.workspaceId, name: target.name?.trim() || `${view.campaign.name} - ${view.label}`, created_at: now })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const inserted = await trx
      .insertInto('list_members')
      .columns(['list_id', 'contact_id', 'added_at'])
      .expression(viewRows(trx, view).select([sql<number>`cast(${listId} as bigint)`.as('list_id'), 'm.contact_id', sql<number>`cast(${now} as bigint)`.as('added_at')]))
      .onConflict((oc) => oc.columns(['list_id', 'contact_id']).doNothing())
      .executeTakeFirst();
    const added = Number(inserted.numInsertedOrUpdatedRows ?? 0);
    const count = await countView(trx, view);
    const details = { campaignId: view.campaign.id, ...viewDetails(view), count, added, newList: target.listId === undefined };
    await recordAudit(ctx, { action: 'list.createFromView', objectType: 'list', objectId: listId, details }, trx);
    return { listId, added, count };
  });
  const list = await getList(ctx, listId);
  return { list: { id: list.id, name: list.name, size: list.size }, count, added };
}

export interface RelaunchOptions {
  /** Scheduled to start at this time (ms); a draft when absent. */
  sendAt?: number;
  name?: string;
  subject?: string;
  /** Leaves out contacts who ignored their last N campaigns (the relaunch guard). */
  excludeDormant?: number;
}

/**
 * A new campaign with the original's content, aimed at a snapshot of the view's
 * contacts taken now (campaign_audience): later events cannot change who gets it.
 * The sender skips, at send time, contacts who unsubscribed or bounced since.
 * Runs on `db`, so that a caller can make it part of a larger transaction; audited
 * there as the context's actor (Ricochet itself for an auto-relaunch).
 */
export async function insertRelaunch(db: Kysely<Database>, ctx: WorkspaceContext, view: View, options: RelaunchOptions): Promise<{ campaign: Campaign; count: number }> {
  const original = view.campaign;
  if (original.sent_at === null) throw conflict(`"${original.name}" has not been sent yet: there is nobody to retarget`, { status: original.status });
  if (options.subject !== undefined && original.channel === 'sms') throw badRequest('$.overrides.subject: SMS campaigns have no subject', '$.overrides.subject');
  const now = ctx.now();
  const days = Math.max(0, Math.floor((now - original.sent_at) / DAY_MS));
  // The A/B content goes along but no new test: each recipient gets the variant they had (campaigns/abTest.ts). A new
  // subject for the relaunch is everyone's.
  const abTest = ctx.store.dialect.readJson(original.ab_test) as AbTest | null;
  if (abTest && options.subject !== undefined) abTest.variants = abTest.variants.map(({ subject: _, ...variant }) => variant);
  const row = await db
    .insertInto('campaigns')
    .values({
      workspace_id: original.workspace_id,
      channel: original.channel,
      name: options.name?.trim() || `Copy D + ${days} - ${view.label}: ${original.name}`,
      status: options.sendAt === undefined ? 'draft' : 'scheduled',
      scheduled_at: options.sendAt ?? null,
      subject: options.subject ?? original.subject,
      preheader: original.preheader,
      from_name: original.from_name,
      from_email: original.from_email,
      reply_to: original.reply_to,
      html: original.html,
      // The design too, so that the copy is edited in the designer like its original (the HTML is already compiled from it).
      design: original.design == null ? null : ctx.store.dialect.writeJson(ctx.store.dialect.readJson(original.design)),
      text: original.text,
      body: original.body,
      sender_id: original.sender_id,
      ab_test: abTest && ctx.store.dialect.writeJson(abTest),
      ab_status: abTest && 'sent',
      ab_winner: abTest && original.ab_winner,
      ab_reason: abTest && `A relaunch of "${original.name}": each recipient gets the variant they had`,
      // The audience is the snapshot, not lists.
      list_ids: ctx.store.dialect.writeJson([]),
      parent_campaign_id: original.id,
      audience_label: view.label,
      audience_filter: view.filter && ctx.store.dialect.writeJson(view.filter),
      audience_snapshot: 1,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  let rows = viewRows(db, view);
  if (options.excludeDormant) {
    // Through memberOf: a NOT IN of 870k dormant contacts outgrew PostgreSQL's work_mem and was rescanned per recipient (10M run).
    const dormant = sql<SqlBool>`d.workspace_id = ${original.workspace_id} and ${isDormant(options.excludeDormant, 'd')}`;
    rows = rows.where(ctx.store.dialect.memberOf(sql.ref('m.contact_id'), 'd.id', sql`contacts d`, dormant, true));
  }
  const snapshot = await db
    .insertInto('campaign_audience')
    .columns(['campaign_id', 'contact_id'])
    .expression(rows.select([sql<number>`cast(${row.id} as bigint)`.as('campaign_id'), 'm.contact_id']))
    .executeTakeFirst();
  const count = Number(snapshot.numInsertedOrUpdatedRows ?? 0);
  const sendAt = options.sendAt === undefined ? null : new Date(options.sendAt).toISOString();
  const dormant = options.excludeDormant ? { excludeDormant: options.excludeDormant, dormantLeftOut: (await countView(db, view)) - count } : {};
  const details = { parentCampaignId: original.id, ...viewDetails(view), count, sendAt, ...dormant };
  await recordAudit(ctx, { action: 'campaign.relaunch', objectType: 'campaign', objectId: row.id, details }, db);
  return { campaign: toCampaign(row, ctx.store), count };
}

/** A draft needs the edit right (the route's); a relaunch with `sendAt` is scheduled, which also needs the send right. */
export async function relaunch(ctx: WorkspaceContext, campaignId: number, requested: AudienceView, request: Pick<RelaunchRequest, 'sendAt' | 'overrides' | 'excludeDormant' | 'lastN'>) {
  if (request.sendAt !== undefined && !may(ctx.role, 'send')) {
    throw new AppError(403, 'forbidden', `Scheduling needs the send right, which the ${ctx.role} role does not have: leave out sendAt to relaunch as a draft`);
  }
  const view = await resolveView(ctx, campaignId, requested);
  const options = {
    sendAt: request.sendAt === undefined ? undefined : Date.parse(request.sendAt),
    ...request.overrides,
    ...(request.excludeDormant && { excludeDormant: request.lastN ?? DEFAULT_LAST_N }),
  };
  return ctx.store.db.transaction().execute((trx) => insertRelaunch(trx, ctx, view, options));
}
