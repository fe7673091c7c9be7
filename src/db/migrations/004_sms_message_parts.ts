import type { Kysely } from 'kysely';

/** Receipts of concatenated SMS come per part: each part's SMSC id points to its message (src/delivery/sms/parts.ts). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sms_message_parts')
    .addColumn('provider_id', 'text', (c) => c.primaryKey())
    .addColumn('message_id', 'bigint', (c) => c.notNull())
    .addColumn('part', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sms_message_parts_message').on('sms_message_parts').column('message_id').execute();
}
