import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { CampaignRow, Database } from '../db/schema.js';

/**
 * The relaunch guard (SPEC §11): contacts who were sent each of their last N campaigns
 * and made no human open or click in any of them. contacts.ignored_streak holds how many
 * of its latest campaigns in a row each contact ignored (kept by triggers, migration 010),
 * so "dormant for N" is `ignored_streak >= N`. A contact without tracking consent is never
 * dormant: its opens and clicks are counted anonymously, so nobody can tell it ignored anything.
 */

export const DEFAULT_LAST_N = 3;

/** True for a dormant contact, `c` being the alias of contacts in the query. */
export const isDormant = (lastN: number, alias = 'c'): RawBuilder<SqlBool> =>
  sql<SqlBool>`(${sql.ref(`${alias}.ignored_streak`)} >= ${lastN} and ${sql.ref(`${alias}.tracking_consent`)} = 1)`;

/** Ids of the workspace's dormant contacts (read from the index on workspace and streak). */
export const dormantContacts = (db: Kysely<Database>, workspaceId: number, lastN: number) =>
  db
    .selectFrom('contacts as c')
    .select('c.id')
    .where('c.workspace_id', '=', workspaceId)
    .where('c.ignored_streak', '>=', lastN)
    .where('c.tracking_consent', '=', 1);

/**
 * A send with `exclude_dormant` skips its dormant recipients (reason `dormant`), in the transaction
 * that froze its audience. Answers how many it left out.
 */
export async function leaveOutDormant(db: Kysely<Database>, campaign: CampaignRow): Promise<number> {
  if (!campaign.exclude_dormant) return 0;
  const result = await db
    .updateTable('messages')
    .set({ status: 'skipped', skip_reason: 'dormant' })
    .where('campaign_id', '=', campaign.id)
    .where('status', '=', 'queued')
    .where('contact_id', 'in', dormantContacts(db, campaign.workspace_id, campaign.exclude_dormant))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** How many of a frozen audience the send left out as dormant (for the audit line of the send). */
export async function dormantLeftOut(db: Kysely<Database>, campaignId: number): Promise<number> {
  const row = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('campaign_id', '=', campaignId)
    .where('status', '=', 'skipped')
    .where('skip_reason', '=', 'dormant')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The contacts a draft or scheduled campaign would send to, as `contacts c`: its lists' members, or its
 * frozen snapshot for a relaunch; subscribed to the channel, with an address, not erased (what
 * materializeAudience queues).
 */
export function wouldReceive(db: Kysely<Database>, campaign: CampaignRow, listIds: number[]) {
  const email = campaign.channel === 'email';
  const members = campaign.audience_snapshot
    ? db.selectFrom('campaign_audience').select('contact_id').where('campaign_id', '=', campaign.id)
    : db.selectFrom('list_members').select('contact_id').where('list_id', 'in', [...listIds, -1]);
  return db
    .selectFrom('contacts as c')
    .where('c.workspace_id', '=', campaign.workspace_id)
    .where('c.id', 'in', members)
    .where('c.erased_at', 'is', null)
    .where(email ? 'c.email' : 'c.phone', 'is not', null)
    .where(email ? 'c.email_status' : 'c.sms_status', '=', 'subscribed');
}
