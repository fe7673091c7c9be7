import { recordAudit } from '../audit/audit.js';
import type { WorkspaceContext } from '../context.js';
import { conflict } from '../http/errors.js';
import type { CampaignStatus } from '../db/schema.js';
import { campaignRow, toCampaign } from './campaigns.js';
import type { Campaign } from './schemas.js';

/**
 * A draft copy named "Copy of <name>": the content, design, A/B test and lists, never what belongs
 * to a send (its frozen audience, parent, results, schedule, dormant exclusion).
 * A relaunch copied this way aims at its lists, which may be none: the copy is a draft to complete.
 */
export async function duplicateCampaign(ctx: WorkspaceContext, id: number): Promise<Campaign> {
  const source = await campaignRow(ctx, id);
  const now = ctx.now();
  // A JSON column copied as it reads, a missing document staying SQL null.
  const copy = (value: unknown) => {
    const read = ctx.store.dialect.readJson(value);
    return read == null ? null : ctx.store.dialect.writeJson(read);
  };
  return ctx.store.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('campaigns')
      .values({
        workspace_id: ctx.workspaceId,
        channel: source.channel,
        name: `Copy of ${source.name}`.slice(0, 200),
        subject: source.subject,
        preheader: source.preheader,
        from_name: source.from_name,
        from_email: source.from_email,
        reply_to: source.reply_to,
        html: source.html,
        design: copy(source.design),
        text: source.text,
        body: source.body,
        sender_id: source.sender_id,
        list_ids: copy(source.list_ids) ?? ctx.store.dialect.writeJson([]),
        ab_test: copy(source.ab_test),
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(ctx, { action: 'campaign.duplicate', objectType: 'campaign', objectId: row.id, details: { from: source.id } }, trx);
    return toCampaign(row, ctx.store);
  });
}

/** A campaign whose sending is over may be put away; a draft is deleted instead, and one in flight is not done. */
const ARCHIVABLE: CampaignStatus[] = ['sent', 'cancelled'];

/** Hides a sent or cancelled campaign from the list (its statistics stay); archiving twice changes nothing. */
export async function archiveCampaign(ctx: WorkspaceContext, id: number): Promise<Campaign> {
  const current = await campaignRow(ctx, id);
  if (!ARCHIVABLE.includes(current.status)) {
    throw conflict(`Only sent or cancelled campaigns can be archived; this campaign is ${current.status}`, { status: current.status });
  }
  if (current.archived_at !== null) return toCampaign(current, ctx.store);
  return setArchived(ctx, id, ctx.now());
}

/** Puts an archived campaign back in the list; one that is not archived is left as it is. */
export async function unarchiveCampaign(ctx: WorkspaceContext, id: number): Promise<Campaign> {
  const current = await campaignRow(ctx, id);
  if (current.archived_at === null) return toCampaign(current, ctx.store);
  return setArchived(ctx, id, null);
}

async function setArchived(ctx: WorkspaceContext, id: number, at: number | null): Promise<Campaign> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('campaigns')
      .set({ archived_at: at, updated_at: ctx.now() })
      .where('id', '=', id)
      .where('workspace_id', '=', ctx.workspaceId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(ctx, { action: at === null ? 'campaign.unarchive' : 'campaign.archive', objectType: 'campaign', objectId: id }, trx);
    return toCampaign(row, ctx.store);
  });
}
