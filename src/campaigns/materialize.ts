import { sql, type Kysely } from 'kysely';
import type { Store } from '../db/connection.js';
import type { CampaignRow, Database } from '../db/schema.js';
import { drawTestGroup } from './abTest.js';
import { leaveOutDormant } from './dormant.js';

/**
 * The audience frozen into `messages` when sending starts: one row per contact,
 * deduplicated by the (campaign, contact) key. Contacts that cannot or must not
 * receive the message get a skipped row with its reason, so they are counted.
 * One INSERT … SELECT: the database does the work, nothing passes through JS.
 * Only contacts of the campaign's workspace: list members and snapshots are the
 * workspace's by construction, and the query holds to it all the same.
 * Answers how many rows it wrote (the audience, skipped ones included).
 */
export async function materializeAudience(db: Kysely<Database>, store: Store, campaign: CampaignRow): Promise<number> {
  const email = campaign.channel === 'email';
  const address = sql.ref(email ? 'c.email' : 'c.phone');
  const subscription = sql.ref(email ? 'c.email_status' : 'c.sms_status');
  const audience = campaign.audience_snapshot
    ? db.selectFrom('campaign_audience').select('contact_id').where('campaign_id', '=', campaign.id)
    : db
        .selectFrom('list_members')
        .select('contact_id')
        .where('list_id', 'in', [...((store.dialect.readJson(campaign.list_ids) as number[] | null) ?? []), -1]);
  const erased = sql.ref('c.erased_at');
  const result = await db
    .insertInto('messages')
    .columns(['campaign_id', 'contact_id', 'status', 'skip_reason'])
    .expression(
      db
        .selectFrom('contacts as c')
        .select([
          sql<number>`cast(${campaign.id} as bigint)`.as('campaign_id'),
          'c.id',
          sql<string>`case when ${erased} is not null or ${address} is null or ${subscription} <> 'subscribed' then 'skipped' else 'queued' end`.as('status'),
          sql<string | null>`case when ${erased} is not null then 'erased' when ${address} is null then 'no_address' when ${subscription} <> 'subscribed' then ${subscription} end`.as('skip_reason'),
        ])
        .where('c.workspace_id', '=', campaign.workspace_id)
        .where('c.id', 'in', audience)
        .orderBy('c.id'),
    )
    .executeTakeFirst();
  await leaveOutDormant(db, campaign);
  await drawTestGroup(db, store, campaign);
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}
