import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/** Bounce and complaint reports that named no message we sent: kept for review, applied to nobody (docs/tracking.md). */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const table = db.schema.createTable('unmatched_reports');
  await (dialect.name === 'sqlite' ? table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement()) : table.addColumn('id', 'bigserial', (c) => c.primaryKey()))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('type', 'text')
    .addColumn('recipient', 'text')
    .addColumn('campaign_id', 'bigint')
    .addColumn('reason', 'text')
    .addColumn('original_ids', 'text')
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .execute();
  // Erasure removes a contact's reports by address.
  await db.schema.createIndex('unmatched_reports_recipient').on('unmatched_reports').column('recipient').execute();
}
