import type { AppContext } from '../context.js';
import { verifyToken } from './tokens.js';

export interface UnsubscribeTarget {
  messageId: number;
  campaignId: number;
  contactId: number;
  channel: 'email' | 'sms';
  /** The sender's name, to show on the page. */
  sender: string | null;
}

/**
 * The message an unsubscribe token belongs to. Only personal unsubscribe tokens
 * qualify: an open, click or view token never unsubscribes anyone, and an
 * anonymous token names no one.
 */
export async function unsubscribeTarget(ctx: AppContext, token: string): Promise<UnsubscribeTarget | undefined> {
  const claims = verifyToken(ctx.secret, token);
  if (!claims || claims.purpose !== 'unsubscribe' || claims.anonymous) return undefined;
  const row = await ctx.store.db
    .selectFrom('messages')
    .innerJoin('campaigns', 'campaigns.id', 'messages.campaign_id')
    .select(['messages.id', 'messages.campaign_id', 'messages.contact_id', 'campaigns.channel', 'campaigns.from_name', 'campaigns.sender_id'])
    .where('messages.id', '=', claims.subjectId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    messageId: row.id,
    campaignId: row.campaign_id,
    contactId: row.contact_id,
    channel: row.channel,
    sender: row.channel === 'email' ? row.from_name : row.sender_id,
  };
}

/**
 * Unsubscribes the token's recipient from the campaign's channel: the contact's
 * status (a bounced or complained status is stronger and stays), the message's
 * unsubscribed_at and one `unsubscribe` event per message, committed before
 * the answer.
 */
export async function unsubscribe(
  ctx: AppContext,
  token: string,
  request: { userAgent: string | null; ip: string | null },
): Promise<UnsubscribeTarget | undefined> {
  const target = await unsubscribeTarget(ctx, token);
  if (!target) return undefined;
  const now = ctx.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    const first = await trx
      .updateTable('messages')
      .set({ unsubscribed_at: now })
      .where('id', '=', target.messageId)
      .where('unsubscribed_at', 'is', null)
      .executeTakeFirst();
    if (first.numUpdatedRows > 0n) {
      await trx
        .insertInto('events')
        .values({ campaign_id: target.campaignId, message_id: target.messageId, type: 'unsubscribe', user_agent: request.userAgent?.slice(0, 1000) || null, ip: request.ip, at: now })
        .execute();
    }
    // Also when the message was already unsubscribed: the contact may have been resubscribed since.
    const status = target.channel === 'email' ? 'email_status' : 'sms_status';
    await trx
      .updateTable('contacts')
      .set({ [status]: 'unsubscribed', updated_at: now })
      .where('id', '=', target.contactId)
      .where(status, '=', 'subscribed')
      .execute();
  });
  return target;
}
