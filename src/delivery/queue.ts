import { sql, type Kysely } from 'kysely';
import type { Database, MessageStatus } from '../db/schema.js';
import type { AppContext } from '../context.js';
import { suppressAfterSoftBounces } from '../tracking/bounces.js';
import type { Recipient } from './channel.js';

/**
 * The send queue is the `messages` table. A sender leases a batch (lease_owner,
 * lease_until), sends it and writes every outcome of the batch in one statement,
 * which also clears the lease. A lease that expires (its sender died) is swept
 * back into the queue and counted in `campaigns.reclaimed`: those messages may
 * have been accepted by the relay just before the crash, so they are the only
 * possible duplicates.
 */

/** Leases up to `limit` due messages of one campaign; concurrent senders on PostgreSQL skip each other's rows. */
export async function claimBatch(ctx: AppContext, campaignId: number, owner: string, limit: number): Promise<number[]> {
  const { db, dialect } = ctx.store;
  const now = ctx.now();
  const due = dialect.skipLocked(
    db
      .selectFrom('messages')
      .select('id')
      .where('campaign_id', '=', campaignId)
      .where('status', '=', 'queued')
      .where('next_attempt_at', '<=', now)
      .where('lease_until', 'is', null)
      .orderBy('next_attempt_at')
      .limit(limit),
  );
  const rows = await db
    .updateTable('messages')
    .set({ lease_owner: owner, lease_until: now + ctx.config.senderLeaseSeconds * 1000 })
    .where(ctx.store.dialect.amongIds(sql.ref('id'), due))
    .returning('id')
    .execute();
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

/**
 * Extends the leases of the messages this sender still holds, so that a slow batch is not taken for a dead one.
 * Rows being written at that moment (their outcomes, which clear the lease) are skipped rather than waited for:
 * waiting on them while locking others in another order is how a renewal and an outcome write deadlock.
 */
export async function renewLeases(ctx: AppContext, campaignId: number, owner: string): Promise<void> {
  const { db, dialect } = ctx.store;
  const held = dialect.skipLocked(
    db.selectFrom('messages').select('id').where('campaign_id', '=', campaignId).where('lease_until', 'is not', null).where('lease_owner', '=', owner),
  );
  await db
    .updateTable('messages')
    .set({ lease_until: ctx.now() + ctx.config.senderLeaseSeconds * 1000 })
    .where(dialect.amongIds(sql.ref('id'), held))
    .where('lease_owner', '=', owner)
    .execute();
}

/**
 * Renews this sender's leases on these messages and answers which it still holds:
 * after a database outage longer than a lease, some may have been put back in the
 * queue meanwhile, and sending those would send them twice.
 */
export async function holdLeases(ctx: AppContext, ids: number[], owner: string): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const rows = await ctx.store.db
    .updateTable('messages')
    .set({ lease_until: ctx.now() + ctx.config.senderLeaseSeconds * 1000 })
    .where('id', 'in', ids)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'queued')
    .returning('id')
    .execute();
  return new Set(rows.map((r) => r.id));
}

/**
 * Puts messages whose lease expired back in the queue and answers how many; the
 * caller counts them on their campaign in the same transaction (campaigns/sending.ts).
 */
export async function releaseExpiredLeases(db: Kysely<Database>, campaignId: number, now: number): Promise<number> {
  const released = await db
    .updateTable('messages')
    .set({ lease_owner: null, lease_until: null })
    .where('campaign_id', '=', campaignId)
    .where('lease_until', 'is not', null)
    .where('lease_until', '<', now)
    .where('status', '=', 'queued')
    .returning('id')
    .execute();
  return released.length;
}

export interface Claimed extends Recipient {
  attempts: number;
  /** Why the contact may no longer receive it (unsubscribed, bounced or erased since the audience was frozen). */
  ineligible: string | null;
}

/** The claimed messages joined with their contacts, re-checking each contact's status at send time. */
export async function loadClaimed(ctx: AppContext, ids: number[], channel: 'email' | 'sms'): Promise<Claimed[]> {
  if (!ids.length) return [];
  const rows = await ctx.store.db
    .selectFrom('messages as m')
    .innerJoin('contacts as c', 'c.id', 'm.contact_id')
    .select([
      'm.id',
      'm.campaign_id',
      'm.contact_id',
      'm.attempts',
      'm.variant',
      'c.email',
      'c.phone',
      'c.first_name',
      'c.last_name',
      'c.fields',
      'c.tracking_consent',
      'c.email_status',
      'c.sms_status',
      'c.erased_at',
    ])
    .where('m.id', 'in', ids)
    .orderBy('m.id')
    .execute();
  return rows.map((r) => {
    const subscription = channel === 'email' ? r.email_status : r.sms_status;
    return {
      messageId: r.id,
      campaignId: r.campaign_id,
      contactId: r.contact_id,
      email: r.email,
      phone: r.phone,
      firstName: r.first_name,
      lastName: r.last_name,
      fields: (ctx.store.dialect.readJson(r.fields) ?? {}) as Record<string, unknown>,
      trackingConsent: r.tracking_consent === 1,
      variant: r.variant,
      attempts: r.attempts,
      ineligible: r.erased_at !== null ? 'erased' : subscription !== 'subscribed' ? subscription : null,
    };
  });
}

/** What becomes of one claimed message. */
export type Outcome =
  | { id: number; status: 'sent' | 'delivered'; providerId?: string }
  | { id: number; status: 'queued'; attempted: boolean; nextAttemptAt?: number }
  | { id: number; status: 'bounced'; bounceType: 'hard' | 'soft'; reason: string; contactId: number }
  | { id: number; status: 'failed'; reason: string }
  | { id: number; status: 'skipped'; reason: string };

type Row = [id: number, status: MessageStatus, attempted: number, nextAttemptAt: number | null, providerId: string | null, bounceType: string | null, reason: string | null];

function rowOf(o: Outcome): Row {
  switch (o.status) {
    case 'sent':
    case 'delivered':
      return [o.id, o.status, 1, null, o.providerId ?? null, null, null];
    case 'queued':
      return [o.id, 'queued', o.attempted ? 1 : 0, o.nextAttemptAt ?? null, null, null, null];
    case 'bounced':
      return [o.id, 'bounced', 1, null, null, o.bounceType, o.reason];
    case 'failed':
      return [o.id, 'failed', 1, null, null, null, o.reason];
    case 'skipped':
      return [o.id, 'skipped', 0, null, null, null, o.reason];
  }
}

const COLUMNS = 7;

/**
 * Writes a batch's outcomes in one transaction: one UPDATE … FROM (VALUES …) for
 * the messages (clearing their leases), hard-bounced contacts marked bounced, and
 * a bounce event each. A message going back to the queue is written only while
 * `owner` holds it: after a database outage longer than a lease, another sender
 * may hold it by then, and clearing its lease would let a third one send it too.
 */
export async function recordOutcomes(ctx: AppContext, campaign: { id: number; channel: 'email' | 'sms' }, outcomes: Outcome[], owner: string): Promise<void> {
  if (!outcomes.length) return;
  // Another write over some of the same rows (a lease renewal, a folder's counters, a second sender) can make
  // PostgreSQL roll this transaction back as a deadlock's victim: written again at once, not left to the leases.
  for (let attempt = 1; ; attempt++) {
    try {
      return await writeOutcomes(ctx, campaign, outcomes, owner);
    } catch (error) {
      if (attempt >= 3 || !['40P01', '40001'].includes((error as { code?: string }).code ?? '')) throw error;
    }
  }
}

async function writeOutcomes(ctx: AppContext, campaign: { id: number; channel: 'email' | 'sms' }, outcomes: Outcome[], owner: string): Promise<void> {
  const now = ctx.now();
  const chunk = Math.floor(ctx.store.dialect.maxParameters / COLUMNS) - 10;
  await ctx.store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < outcomes.length; i += chunk) {
      const values = outcomes.slice(i, i + chunk).map((o) => {
        const [id, status, attempted, next, providerId, bounceType, reason] = rowOf(o);
        return sql`(cast(${id} as bigint), cast(${status} as text), cast(${attempted} as integer), cast(${next} as bigint), cast(${providerId} as text), cast(${bounceType} as text), cast(${reason} as text))`;
      });
      await sql`
        update messages set
          status = v.column2,
          attempts = messages.attempts + v.column3,
          next_attempt_at = coalesce(v.column4, messages.next_attempt_at),
          provider_id = coalesce(v.column5, messages.provider_id),
          sent_at = case when v.column2 in ('sent', 'delivered') then ${now} else messages.sent_at end,
          delivered_at = case when v.column2 = 'delivered' then ${now} else messages.delivered_at end,
          bounce_type = v.column6,
          bounce_reason = case when v.column2 in ('bounced', 'failed') then v.column7 else messages.bounce_reason end,
          skip_reason = case when v.column2 = 'skipped' then v.column7 else messages.skip_reason end,
          lease_owner = null,
          lease_until = null
        from (values ${sql.join(values)}) as v
        where messages.id = v.column1 and (v.column2 <> 'queued' or messages.lease_owner = ${owner})`.execute(trx);
    }
    const bounced = outcomes.filter((o): o is Extract<Outcome, { status: 'bounced' }> => o.status === 'bounced');
    const hard = bounced.filter((o) => o.bounceType === 'hard').map((o) => o.contactId);
    if (hard.length) {
      const status = campaign.channel === 'email' ? 'email_status' : 'sms_status';
      await trx
        .updateTable('contacts')
        .set({ [status]: 'bounced', updated_at: now })
        .where('id', 'in', hard)
        .where(status, '=', 'subscribed')
        .execute();
    }
    // Retries given up count toward the soft-bounces-in-a-row rule like reported soft bounces.
    const soft = bounced.filter((o) => o.bounceType === 'soft').map((o) => o.contactId);
    if (soft.length) await suppressAfterSoftBounces(trx, campaign.channel, soft, now);
    if (bounced.length) {
      await trx
        .insertInto('events')
        .values(bounced.map((o) => ({ campaign_id: campaign.id, message_id: o.id, type: 'bounce' as const, reason: `${o.bounceType}: ${o.reason}`.slice(0, 500), at: now })))
        .execute();
    }
  });
}
