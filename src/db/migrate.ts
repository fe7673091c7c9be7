import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Store } from './connection.js';
import type { Dialect } from './dialect.js';
import * as initial from './migrations/001_initial.js';
import * as sending from './migrations/002_sending.js';
import * as audience from './migrations/004_audience.js';
import * as smsMessageParts from './migrations/005_sms_message_parts.js';
import * as unmatchedReports from './migrations/006_unmatched_reports.js';

type DialectMigration = { up(db: Kysely<any>, dialect: Dialect): Promise<void> };

/** In order; a new migration is appended here and never edited once released. */
const migrations: Record<string, DialectMigration> = {
  '001_initial': initial,
  '002_sending': sending,
  '004_audience': audience,
  '005_sms_message_parts': smsMessageParts,
  '006_unmatched_reports': unmatchedReports,
};

export async function migrate(store: Store): Promise<string[]> {
  const provider: MigrationProvider = {
    async getMigrations() {
      const bound: Record<string, Migration> = {};
      for (const [name, migration] of Object.entries(migrations)) {
        bound[name] = { up: (db) => migration.up(db, store.dialect) };
      }
      return bound;
    },
  };
  const { error, results } = await new Migrator({ db: store.db, provider }).migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
