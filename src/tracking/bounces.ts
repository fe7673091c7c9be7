import { sql, type Kysely } from 'kysely';
import { normalizeEmail } from '../contacts/normalize.js';
import type { Channel, Database, EmailStatus, UnmatchedReportsTable } from '../db/schema.js';
import type { AppContext, WorkspaceContext } from '../context.js';
import { badRequest, notFound } from '../http/errors.js';
import { decodeCursor, encodeCursor, iso } from '../http/schemas.js';
import { parseReport, type Report } from './reports.js';
import type { BounceResult, BounceWebhook, UnmatchedQuery } from './schemas.js';
import { verifyToken } from './tokens.js';

export type BounceType = 'hard' | 'soft' | 'complaint';

/** Soft bounces in a row (the contact's latest messages on the channel) after which the contact is suppressed. */
export const SOFT_BOUNCES_TO_SUPPRESS = 5;

/**
 * The soft-bounces-in-a-row rule, for any source of soft bounces (reports, the
 * webhook, the sender giving up after its retries, SMS receipts): each contact
 * whose latest SOFT_BOUNCES_TO_SUPPRESS messages on the channel all soft-bounced
 * becomes `bounced` on that channel, if it was `subscribed`. Read from the
 * messages themselves, so no counter can drift. Returns how many were suppressed.
 */
export async function suppressAfterSoftBounces(db: Kysely<Database>, channel: Channel, contactIds: number[], now: number): Promise<number> {
  const status = channel === 'sms' ? 'sms_status' : 'email_status';
  let suppressed = 0;
  const ids = [...new Set(contactIds)];
  for (let i = 0; i < ids.length; i += 500) {
    const latest = db
      .selectFrom('messages')
      .innerJoin('campaigns', 'campaigns.id', 'messages.campaign_id')
      .select([
        'messages.contact_id',
        'messages.bounce_type',
        sql<number>`row_number() over (partition by messages.contact_id order by messages.id desc)`.as('position'),
      ])
      .where('messages.contact_id', 'in', ids.slice(i, i + 500))
      .where('campaigns.channel', '=', channel)
      .where('messages.status', 'in', ['sent', 'delivered', 'bounced'])
      .as('latest');
    const allSoft = db
      .selectFrom(latest)
      .select('latest.contact_id')
      .where('latest.position', '<=', SOFT_BOUNCES_TO_SUPPRESS)
      .groupBy('latest.contact_id')
      .having((eb) => eb.fn.countAll(), '=', SOFT_BOUNCES_TO_SUPPRESS)
      .having(sql<number>`sum(case when latest.bounce_type = 'soft' then 1 else 0 end)`, '=', SOFT_BOUNCES_TO_SUPPRESS);
    const updated = await db
      .updateTable('contacts')
      .set({ [status]: 'bounced', updated_at: now })
      .where('id', 'in', allSoft)
      .where(status, '=', 'subscribed')
      .executeTakeFirst();
    suppressed += Number(updated.numUpdatedRows);
  }
  return suppressed;
}

interface MessageRef {
  id: number;
  campaign_id: number;
  contact_id: number;
  channel: 'email' | 'sms';
}

/** Messages of the workspace's campaigns: a report reaches no other workspace's, whatever it names. */
function messages(ctx: WorkspaceContext) {
  return ctx.store.db
    .selectFrom('messages')
    .innerJoin('campaigns', 'campaigns.id', 'messages.campaign_id')
    .select(['messages.id', 'messages.campaign_id', 'messages.contact_id', 'campaigns.channel'])
    .where('campaigns.workspace_id', '=', ctx.workspaceId);
}

/** The newest email a contact was sent (in the given campaign when known). */
function latestEmailTo(ctx: WorkspaceContext, contactId: number, campaignId?: number): Promise<MessageRef | undefined> {
  let query = messages(ctx)
    .where('messages.contact_id', '=', contactId)
    .where('campaigns.channel', '=', 'email')
    .where('messages.status', 'in', ['sent', 'delivered', 'bounced']);
  if (campaignId !== undefined) query = query.where('messages.campaign_id', '=', campaignId);
  return query.orderBy('messages.id', 'desc').limit(1).executeTakeFirst();
}

async function contactByEmail(ctx: WorkspaceContext, email: string) {
  return ctx.store.db
    .selectFrom('contacts')
    .select('id')
    .where('workspace_id', '=', ctx.workspaceId)
    .where('email', '=', email)
    .where('erased_at', 'is', null)
    .executeTakeFirst();
}

/**
 * A bounce or complaint applied to its message and contact, in one transaction:
 * - hard: the message is bounced (hard) and the contact's status becomes `bounced`;
 * - soft: the message is bounced (soft); the contact is suppressed once its latest
 *   SOFT_BOUNCES_TO_SUPPRESS messages on the channel all soft-bounced;
 * - complaint: the message's complained_at and the contact's status `complained`.
 * A subscription status only moves towards the stronger one (subscribed → bounced,
 * anything → complained), so an unsubscribe is never turned back. One event per
 * change; a repeated report changes nothing. Only ever called with a message we
 * sent: a report that names none changes no contact (keepUnmatched).
 */
export async function applyBounce(ctx: AppContext, message: MessageRef, type: BounceType, reason: string): Promise<BounceResult> {
  const now = ctx.now();
  const contactId = message.contact_id;
  const statusColumn = message.channel === 'sms' ? 'sms_status' : 'email_status';
  const changed = await ctx.store.db.transaction().execute(async (trx) => {
    let update = trx.updateTable('messages').where('id', '=', message.id);
    if (type === 'complaint') {
      update = update.set({ complained_at: now }).where('complained_at', 'is', null);
    } else {
      update = update.set({ status: 'bounced', bounce_type: type, bounce_reason: reason.slice(0, 1000) || null });
      // A hard bounce overrides a soft one, never the reverse.
      update = type === 'hard' ? update.where((eb) => eb.or([eb('bounce_type', 'is', null), eb('bounce_type', '=', 'soft')])) : update.where('bounce_type', 'is', null);
    }
    let changed = (await update.executeTakeFirst()).numUpdatedRows > 0n;
    if (changed) {
      await trx
        .insertInto('events')
        .values({
          campaign_id: message.campaign_id,
          message_id: message.id,
          type: type === 'complaint' ? 'complaint' : 'bounce',
          reason: `${type}${reason ? `: ${reason}` : ''}`.slice(0, 1000),
          at: now,
        })
        .execute();
    }
    if (type === 'soft') return (await suppressAfterSoftBounces(trx, message.channel, [contactId], now)) > 0 || changed;
    const suppress: EmailStatus = type === 'hard' ? 'bounced' : 'complained';
    const from: EmailStatus[] = suppress === 'complained' ? ['subscribed', 'unsubscribed', 'bounced'] : ['subscribed'];
    const updated = await trx
      .updateTable('contacts')
      .set({ [statusColumn]: suppress, updated_at: now })
      .where('id', '=', contactId)
      .where(statusColumn, 'in', from)
      .executeTakeFirst();
    changed ||= updated.numUpdatedRows > 0n;
    return changed;
  });
  const contact = await ctx.store.db.selectFrom('contacts').select(['email_status', 'sms_status']).where('id', '=', contactId).executeTakeFirst();
  return {
    matched: true,
    type,
    messageId: message.id,
    contactId,
    changed,
    contactStatus: contact ? contact[statusColumn] : null,
  };
}

interface UnmatchedReport {
  kind: UnmatchedReportsTable['kind'];
  type: BounceType | null;
  recipient: string | null;
  campaignId: number | null;
  reason: string;
  originalIds: string[];
}

/** A report that names no message we sent (for this workspace) is kept for review, in the workspace that received it, and changes nothing. */
async function keepUnmatched(ctx: WorkspaceContext, report: UnmatchedReport): Promise<BounceResult> {
  await ctx.store.db
    .insertInto('unmatched_reports')
    .values({
      workspace_id: ctx.workspaceId,
      kind: report.kind,
      type: report.type,
      recipient: report.recipient?.slice(0, 320) ?? null,
      campaign_id: report.campaignId,
      reason: report.reason.slice(0, 1000) || null,
      original_ids: report.originalIds.join(' ').slice(0, 2000) || null,
      received_at: ctx.now(),
    })
    .execute();
  return { matched: false, type: report.type, messageId: null, contactId: null, changed: false, contactStatus: null };
}

/**
 * POST /api/webhooks/bounces: a bounce or complaint named by message id, or by
 * address: then it applies to the newest email sent to that address (in the
 * given campaign), and to nobody when there is none. Only the workspace's own
 * messages and contacts: another's message id is not found, as a missing one.
 */
export async function recordBounce(ctx: WorkspaceContext, input: BounceWebhook): Promise<BounceResult> {
  if (input.messageId !== undefined) {
    const message = await messages(ctx).where('messages.id', '=', input.messageId).executeTakeFirst();
    if (!message) throw notFound('Message');
    return applyBounce(ctx, message, input.type, input.reason ?? '');
  }
  if (input.email === undefined) throw badRequest('messageId or email is required', '$.messageId');
  const email = normalizeEmail(input.email);
  if (!email) throw badRequest(`email "${input.email}" is not a valid address`, '$.email');
  const contact = await contactByEmail(ctx, email);
  const message = contact && (await latestEmailTo(ctx, contact.id, input.campaignId));
  if (!message) {
    return keepUnmatched(ctx, { kind: 'webhook', type: input.type, recipient: email, campaignId: input.campaignId ?? null, reason: input.reason ?? '', originalIds: [] });
  }
  return applyBounce(ctx, message, input.type, input.reason ?? '');
}

const campaignInWorkspace = async (ctx: WorkspaceContext, id: number) =>
  (await ctx.store.db.selectFrom('campaigns').select('id').where('id', '=', id).where('workspace_id', '=', ctx.workspaceId).executeTakeFirst()) !== undefined;

/**
 * The message a report is about, only from what ties it to a message we sent:
 * a personal tracking token in the original (signed, so it cannot point
 * elsewhere), our Message-ID or the relay's id for it; or its recipient, when a
 * campaign-level token names a campaign that was sent to that address. An
 * address alone proves nothing (anyone can write a report naming anyone), so
 * it matches nothing. Also answers the campaign a token named. Only messages and
 * campaigns of the workspace the report was posted to are ever matched.
 */
async function matchReport(ctx: WorkspaceContext, report: Report): Promise<{ message?: MessageRef; campaignId?: number }> {
  let campaignId: number | undefined;
  for (const token of report.tokens) {
    const claims = verifyToken(ctx.secret, token);
    if (!claims) continue;
    if (claims.anonymous) {
      if (campaignId === undefined && (await campaignInWorkspace(ctx, claims.subjectId))) campaignId = claims.subjectId;
      continue;
    }
    const message = await messages(ctx).where('messages.id', '=', claims.subjectId).executeTakeFirst();
    if (message) return { message };
  }
  if (report.references.length) {
    const ids = report.references.flatMap((r) => [r, r.replace(/^<|>$/g, '')]);
    // Email only: an SMSC's short ids could equal a relay's queue id.
    const message = await messages(ctx)
      .where('campaigns.channel', '=', 'email')
      .where('messages.provider_id', 'in', ids)
      .orderBy('messages.id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (message) return { message };
  }
  const email = report.recipient ? normalizeEmail(report.recipient) : undefined;
  if (campaignId === undefined || !email) return { campaignId };
  const contact = await contactByEmail(ctx, email);
  return { message: contact && (await latestEmailTo(ctx, contact.id, campaignId)), campaignId };
}

/** POST /api/webhooks/inbound-email: a raw DSN or feedback report, matched and applied, or kept as unmatched. */
export async function recordInboundEmail(ctx: WorkspaceContext, raw: Buffer | string): Promise<BounceResult & { report: Report['kind']; recipient: string | null }> {
  const report = await parseReport(raw);
  if (!report) throw badRequest('The message is neither a delivery status notification (RFC 3464) nor a feedback report (RFC 5965)', '$');
  const { message, campaignId } = await matchReport(ctx, report);
  const base = { report: report.kind, recipient: report.recipient };
  if (!message) {
    const unmatched = { kind: report.kind, type: report.type, recipient: report.recipient, campaignId: campaignId ?? null, reason: report.reason, originalIds: report.references };
    return { ...base, ...(await keepUnmatched(ctx, unmatched)) };
  }
  if (!report.type) {
    return { ...base, matched: true, type: null, messageId: message.id, contactId: message.contact_id, changed: false, contactStatus: null };
  }
  return { ...base, ...(await applyBounce(ctx, message, report.type, report.reason)) };
}

const isIdCursor = (v: unknown): v is { before: number } =>
  typeof v === 'object' && v !== null && typeof (v as { before: unknown }).before === 'number';

/** GET /api/reports/unmatched: the workspace's, newest first. */
export async function listUnmatchedReports(ctx: WorkspaceContext, query: UnmatchedQuery) {
  const limit = query.limit ?? 50;
  const before = decodeCursor(query.cursor, isIdCursor)?.before;
  const base = ctx.store.db.selectFrom('unmatched_reports').where('workspace_id', '=', ctx.workspaceId);
  let page = base.selectAll().orderBy('id', 'desc').limit(limit + 1);
  if (before !== undefined) page = page.where('id', '<', before);
  const [rows, count] = await Promise.all([page.execute(), base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow()]);
  const items = rows.slice(0, limit).map((r) => ({
    id: r.id,
    receivedAt: iso(r.received_at)!,
    kind: r.kind,
    type: r.type,
    recipient: r.recipient,
    campaignId: r.campaign_id,
    reason: r.reason,
    originalIds: r.original_ids ? r.original_ids.split(' ') : [],
  }));
  const nextCursor = rows.length > limit ? encodeCursor({ before: items[items.length - 1]!.id }) : null;
  return { total: Number(count.total), items, nextCursor };
}
