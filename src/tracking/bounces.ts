import { normalizeEmail } from '../contacts/normalize.js';
import type { EmailStatus } from '../db/schema.js';
import type { AppContext } from '../http/context.js';
import { badRequest, notFound } from '../http/errors.js';
import { parseReport, type Report } from './reports.js';
import type { BounceResult, BounceWebhook } from './schemas.js';
import { verifyToken } from './tokens.js';

export type BounceType = 'hard' | 'soft' | 'complaint';

/** Soft bounces in a row (the contact's latest messages on the channel) after which the contact is suppressed. */
export const SOFT_BOUNCES_TO_SUPPRESS = 5;

interface MessageRef {
  id: number;
  campaign_id: number;
  contact_id: number;
  channel: 'email' | 'sms';
}

function messages(ctx: AppContext) {
  return ctx.store.db
    .selectFrom('messages')
    .innerJoin('campaigns', 'campaigns.id', 'messages.campaign_id')
    .select(['messages.id', 'messages.campaign_id', 'messages.contact_id', 'campaigns.channel']);
}

/** The newest email a contact was sent (in the given campaign when known). */
function latestEmailTo(ctx: AppContext, contactId: number, campaignId?: number): Promise<MessageRef | undefined> {
  let query = messages(ctx)
    .where('messages.contact_id', '=', contactId)
    .where('campaigns.channel', '=', 'email')
    .where('messages.status', 'in', ['sent', 'delivered', 'bounced']);
  if (campaignId !== undefined) query = query.where('messages.campaign_id', '=', campaignId);
  return query.orderBy('messages.id', 'desc').limit(1).executeTakeFirst();
}

async function contactByEmail(ctx: AppContext, email: string) {
  return ctx.store.db.selectFrom('contacts').select('id').where('email', '=', email).where('erased_at', 'is', null).executeTakeFirst();
}

/**
 * A bounce or complaint applied to its message and contact, in one transaction:
 * - hard: the message is bounced (hard) and the contact's status becomes `bounced`;
 * - soft: the message is bounced (soft); the contact is suppressed once its latest
 *   SOFT_BOUNCES_TO_SUPPRESS messages on the channel all soft-bounced;
 * - complaint: the message's complained_at and the contact's status `complained`.
 * A subscription status only moves towards the stronger one (subscribed → bounced,
 * anything → complained), so an unsubscribe is never turned back. One event per
 * change; a repeated report changes nothing.
 */
export async function applyBounce(
  ctx: AppContext,
  target: { contactId: number; message?: MessageRef },
  type: BounceType,
  reason: string,
): Promise<BounceResult> {
  const now = ctx.now();
  const { message, contactId } = target;
  const statusColumn = message?.channel === 'sms' ? 'sms_status' : 'email_status';
  const changed = await ctx.store.db.transaction().execute(async (trx) => {
    let changed = false;
    let suppress: EmailStatus | undefined = type === 'hard' ? 'bounced' : type === 'complaint' ? 'complained' : undefined;
    if (message) {
      let update = trx.updateTable('messages').where('id', '=', message.id);
      if (type === 'complaint') {
        update = update.set({ complained_at: now }).where('complained_at', 'is', null);
      } else {
        update = update.set({ status: 'bounced', bounce_type: type, bounce_reason: reason.slice(0, 1000) || null });
        // A hard bounce overrides a soft one, never the reverse.
        update = type === 'hard' ? update.where((eb) => eb.or([eb('bounce_type', 'is', null), eb('bounce_type', '=', 'soft')])) : update.where('bounce_type', 'is', null);
      }
      changed = (await update.executeTakeFirst()).numUpdatedRows > 0n;
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
      if (type === 'soft') {
        const latest = await trx
          .selectFrom('messages')
          .innerJoin('campaigns', 'campaigns.id', 'messages.campaign_id')
          .select('messages.bounce_type')
          .where('messages.contact_id', '=', contactId)
          .where('campaigns.channel', '=', message.channel)
          .where('messages.status', 'in', ['sent', 'delivered', 'bounced'])
          .orderBy('messages.id', 'desc')
          .limit(SOFT_BOUNCES_TO_SUPPRESS)
          .execute();
        if (latest.length === SOFT_BOUNCES_TO_SUPPRESS && latest.every((m) => m.bounce_type === 'soft')) suppress = 'bounced';
      }
    }
    if (suppress) {
      const from: EmailStatus[] = suppress === 'complained' ? ['subscribed', 'unsubscribed', 'bounced'] : ['subscribed'];
      const updated = await trx
        .updateTable('contacts')
        .set({ [statusColumn]: suppress, updated_at: now })
        .where('id', '=', contactId)
        .where(statusColumn, 'in', from)
        .executeTakeFirst();
      changed ||= updated.numUpdatedRows > 0n;
    }
    return changed;
  });
  const contact = await ctx.store.db.selectFrom('contacts').select(['email_status', 'sms_status']).where('id', '=', contactId).executeTakeFirst();
  return {
    matched: true,
    type,
    messageId: message?.id ?? null,
    contactId,
    changed,
    contactStatus: contact ? contact[statusColumn] : null,
  };
}

/** POST /api/webhooks/bounces: a bounce or complaint named by message id or by address. */
export async function recordBounce(ctx: AppContext, input: BounceWebhook): Promise<BounceResult> {
  if (input.messageId !== undefined) {
    const message = await messages(ctx).where('messages.id', '=', input.messageId).executeTakeFirst();
    if (!message) throw notFound('Message');
    return applyBounce(ctx, { contactId: message.contact_id, message }, input.type, input.reason ?? '');
  }
  if (input.email === undefined) throw badRequest('messageId or email is required', '$.messageId');
  const email = normalizeEmail(input.email);
  if (!email) throw badRequest(`email "${input.email}" is not a valid address`, '$.email');
  const contact = await contactByEmail(ctx, email);
  if (!contact) throw notFound('Contact');
  const message = await latestEmailTo(ctx, contact.id, input.campaignId);
  return applyBounce(ctx, { contactId: contact.id, message }, input.type, input.reason ?? '');
}

/**
 * The message a report is about, most certain first: a personal tracking token
 * in the original (signed, so it cannot point elsewhere), the relay's id for it,
 * then its recipient (in the campaign an anonymous token names, if any).
 */
async function matchReport(ctx: AppContext, report: Report): Promise<{ contactId: number; message?: MessageRef } | undefined> {
  let campaignId: number | undefined;
  for (const token of report.tokens) {
    const claims = verifyToken(ctx.secret, token);
    if (!claims) continue;
    if (claims.anonymous) {
      campaignId ??= claims.subjectId;
      continue;
    }
    const message = await messages(ctx).where('messages.id', '=', claims.subjectId).executeTakeFirst();
    if (message) return { contactId: message.contact_id, message };
  }
  if (report.references.length) {
    const ids = report.references.flatMap((r) => [r, r.replace(/^<|>$/g, '')]);
    const message = await messages(ctx).where('messages.provider_id', 'in', ids).orderBy('messages.id', 'desc').limit(1).executeTakeFirst();
    if (message) return { contactId: message.contact_id, message };
  }
  const email = report.recipient ? normalizeEmail(report.recipient) : undefined;
  const contact = email ? await contactByEmail(ctx, email) : undefined;
  if (!contact) return undefined;
  return { contactId: contact.id, message: await latestEmailTo(ctx, contact.id, campaignId) };
}

/** POST /api/webhooks/inbound-email: a raw DSN or feedback report, matched and applied. */
export async function recordInboundEmail(ctx: AppContext, raw: Buffer | string): Promise<BounceResult & { report: Report['kind']; recipient: string | null }> {
  const report = await parseReport(raw);
  if (!report) throw badRequest('The message is neither a delivery status notification (RFC 3464) nor a feedback report (RFC 5965)', '$');
  const target = await matchReport(ctx, report);
  const base = { report: report.kind, recipient: report.recipient };
  if (!target || !report.type) {
    return { ...base, matched: !!target, type: report.type, messageId: target?.message?.id ?? null, contactId: target?.contactId ?? null, changed: false, contactStatus: null };
  }
  return { ...base, ...(await applyBounce(ctx, target, report.type, report.reason)) };
}
