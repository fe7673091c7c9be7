import { preferenceLists, savePreferences, type PreferenceList } from '../contacts/lists.js';
import { inWorkspace, type AppContext } from '../context.js';
import type { EmailStatus } from '../db/schema.js';
import { verifyToken } from './tokens.js';

export interface UnsubscribeTarget {
  messageId: number;
  campaignId: number;
  contactId: number;
  workspaceId: number;
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
    .select(['messages.id', 'messages.campaign_id', 'messages.contact_id', 'campaigns.workspace_id', 'campaigns.channel', 'campaigns.from_name', 'campaigns.sender_id'])
    .where('messages.id', '=', claims.subjectId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    messageId: row.id,
    campaignId: row.campaign_id,
    contactId: row.contact_id,
    workspaceId: row.workspace_id,
    channel: row.channel,
    sender: row.channel === 'email' ? row.from_name : row.sender_id,
  };
}

export interface Preferences {
  target: UnsubscribeTarget;
  /** The lists shown on the page; none for SMS, an erased contact, or a workspace with no list on the page. */
  lists: PreferenceList[];
  /** The contact's status on the campaign's channel. */
  status: EmailStatus | 'erased';
}

/** What the preference page shows for a token. Reads only. */
export async function preferences(ctx: AppContext, token: string): Promise<Preferences | undefined> {
  const target = await unsubscribeTarget(ctx, token);
  if (!target) return undefined;
  const contact = await ctx.store.db
    .selectFrom('contacts')
    .select(['email_status', 'sms_status', 'erased_at'])
    .where('id', '=', target.contactId)
    .executeTakeFirst();
  if (!contact || contact.erased_at !== null) return { target, lists: [], status: 'erased' };
  const status = target.channel === 'email' ? contact.email_status : contact.sms_status;
  // SMS recipients keep the plain unsubscribe page: the lists there are about email.
  const lists = target.channel === 'email' ? await preferenceLists(inWorkspace(ctx, target.workspaceId), target.contactId) : [];
  return { target, lists, status };
}

/** Joins the lists chosen among those offered on the page and leaves the others; nothing else changes, nothing is recorded as an event. */
export async function saveTokenPreferences(ctx: AppContext, token: string, offered: number[], chosen: number[]): Promise<Preferences | undefined> {
  const target = await unsubscribeTarget(ctx, token);
  if (!target) return undefined;
  if (target.channel === 'email') await savePreferences(inWorkspace(ctx, target.workspaceId), target.contactId, offered, chosen);
  return preferences(ctx, token);
}

/** The reasons offered on the page; `other` comes with the subscriber's own words. */
export const UNSUBSCRIBE_REASONS = {
  too_many: 'I get too many emails',
  not_relevant: 'The content is not relevant to me',
  never_signed_up: 'I never signed up',
  other: 'Other',
} as const;
export type UnsubscribeReason = keyof typeof UNSUBSCRIBE_REASONS;
const REASON_TEXT_LIMIT = 500;

/**
 * The reason as stored on the unsubscribe event: a known choice's key, or `other: <text>`
 * (control characters dropped, cut at 500 characters). Null when none was given.
 */
export function unsubscribeReason(choice: string | null | undefined, text: string | null | undefined): string | null {
  const words = [...(text ?? '').replace(/\p{Cc}+/gu, ' ').trim()].slice(0, REASON_TEXT_LIMIT).join('').trim();
  if (choice && choice !== 'other' && Object.hasOwn(UNSUBSCRIBE_REASONS, choice)) return choice;
  if (choice === 'other' || words) return words ? `other: ${words}` : 'other';
  return null;
}

/**
 * Unsubscribes the token's recipient from the campaign's channel: the contact's
 * status (a bounced or complained status is stronger and stays), the message's
 * unsubscribed_at and one `unsubscribe` event per message, committed before
 * the answer. A reason, when given, is kept on that event (the latest one given).
 */
export async function unsubscribe(
  ctx: AppContext,
  token: string,
  request: { userAgent: string | null; ip: string | null; reason?: string | null },
): Promise<UnsubscribeTarget | undefined> {
  const target = await unsubscribeTarget(ctx, token);
  if (!target) return undefined;
  const now = ctx.now();
  const reason = request.reason ?? null;
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
        .values({ campaign_id: target.campaignId, message_id: target.messageId, type: 'unsubscribe', reason, user_agent: request.userAgent?.slice(0, 1000) || null, ip: request.ip, at: now })
        .execute();
    } else if (reason) {
      await trx.updateTable('events').set({ reason }).where('message_id', '=', target.messageId).where('type', '=', 'unsubscribe').execute();
    }
    // Also when the message was already unsubscribed: the contact may have been resubscribed since,
    // or be signing up again (pending), which this refusal outranks.
    const status = target.channel === 'email' ? 'email_status' : 'sms_status';
    await trx
      .updateTable('contacts')
      .set({ [status]: 'unsubscribed', updated_at: now })
      .where('id', '=', target.contactId)
      .where(status, 'in', ['subscribed', 'pending'])
      .execute();
  });
  return target;
}
