import { sql, type Kysely } from 'kysely';

/**
 * Log-first tracking (docs/tracking.md § The folder): a request only appends its
 * events; the folder applies them to the counters afterwards, from its position in
 * the log kept here (the last event id folded), one per database. Appends take the
 * log in turn (dialect.log.appendInOrder), so ids are in commit order and no event
 * can ever appear behind the position.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('tracking_folder')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('folded_id', 'bigint', (c) => c.notNull())
    .addColumn('folded_at', 'bigint')
    .execute();
  // Existing events were counted as they came: the position starts after them.
  await sql`insert into tracking_folder (name, folded_id) select 'events', coalesce(max(id), 0) from events`.execute(db);

  // One row per batch of hits committed: a batch written again after a lost acknowledgement finds its key and is not inserted twice.
  await db.schema
    .createTable('tracking_batches')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('tracking_batches_at').on('tracking_batches').column('at').execute();
}
