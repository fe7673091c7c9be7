import type { Kysely } from 'kysely';

/**
 * SMSC message ids of the second and later parts of concatenated SMS (the
 * first part's id is messages.provider_id), so that a receipt for any part
 * finds its message. Table created by migration 004_sms_message_parts.
 */
export interface SmsMessagePartsTable {
  provider_id: string;
  message_id: number;
  /** 2..n */
  part: number;
}

export const withPartsTable = <DB>(db: Kysely<DB>) => db.withTables<{ sms_message_parts: SmsMessagePartsTable }>();
