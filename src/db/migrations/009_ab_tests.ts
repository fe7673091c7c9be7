import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * A/B tests, the dormant guard on sends, and archived campaigns (SPEC §11).
 * A test's variants live on the campaign; each message and each link knows its
 * variant, so a resumed send or a relaunch never changes what a recipient gets.
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const campaigns = [
    ['ab_test', dialect.jsonType],
    // Draws the test group: the same seed draws the same people.
    ['ab_seed', 'bigint'],
    // testing | decided | sent; null for a campaign without a test.
    ['ab_status', 'text'],
    ['ab_winner', 'text'],
    ['ab_reason', 'text'],
    // When the wait ends: the scheduler decides then.
    ['ab_decide_at', 'bigint'],
    ['ab_decided_at', 'bigint'],
    // A send that leaves out those who ignored their last N campaigns keeps N here until its audience is frozen.
    ['exclude_dormant', 'integer'],
    ['archived_at', 'bigint'],
    // The filter a relaunch's audience was taken with, to say it in words.
    ['audience_filter', dialect.jsonType],
  ] as const;
  for (const [name, type] of campaigns) await db.schema.alterTable('campaigns').addColumn(name, type).execute();
  await db.schema.alterTable('messages').addColumn('variant', 'text').execute();
  // 1 for those who waited for the winner: a test's figures stay the test group's after the decision.
  await db.schema.alterTable('messages').addColumn('ab_rest', 'integer').execute();
  await db.schema.alterTable('links').addColumn('variant', 'text').execute();
  // The scheduler looks for tests whose wait is over.
  await db.schema.createIndex('campaigns_ab_due').on('campaigns').columns(['ab_status', 'ab_decide_at']).execute();
}
