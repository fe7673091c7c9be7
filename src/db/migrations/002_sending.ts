import { sql, type Kysely } from 'kysely';

/** Sending: a count of possible duplicates per campaign, and a small index over leased messages. */
export async function up(db: Kysely<any>): Promise<void> {
  // Messages whose worker died mid-send and that were sent again: each is a possible duplicate.
  await db.schema.alterTable('campaigns').addColumn('reclaimed', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // Only messages in flight have a lease, so this index stays tiny and finding expired leases is cheap.
  await db.schema
    .createIndex('messages_leased')
    .on('messages')
    .columns(['campaign_id', 'lease_until'])
    .where(sql.ref('lease_until'), 'is not', null)
    .execute();
}
