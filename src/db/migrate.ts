import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Store } from './connection.js';
import type { Dialect } from './dialect.js';
import * as initial from './migrations/001_initial.js';
import * as sending from './migrations/002_sending.js';
import * as audience from './migrations/003_audience.js';
import * as smsMessageParts from './migrations/004_sms_message_parts.js';
import * as unmatchedReports from './migrations/005_unmatched_reports.js';
import * as workspaces from './migrations/006_workspaces.js';
import * as designer from './migrations/007_designer.js';
import * as forms from './migrations/008_forms.js';
import * as abTests from './migrations/009_ab_tests.js';
import * as dormant from './migrations/010_dormant.js';
import * as trackingLog from './migrations/011_tracking_log.js';
import * as audienceSpeed from './migrations/012_audience_speed.js';
import * as streakPerStatement from './migrations/013_streak_per_statement.js';
import * as contactFilters from './migrations/014_contact_filters.js';

type DialectMigration = { up(db: Kysely<any>, dialect: Dialect): Promise<void> };

/** In order; a new migration is appended here and never edited once released. */
const migrations: Record<string, DialectMigration> = {
  '001_initial': initial,
  '002_sending': sending,
  '003_audience': audience,
  '004_sms_message_parts': smsMessageParts,
  '005_unmatched_reports': unmatchedReports,
  '006_workspaces': workspaces,
  '007_designer': designer,
  '008_forms': forms,
  '009_ab_tests': abTests,
  '010_dormant': dormant,
  '011_tracking_log': trackingLog,
  '012_audience_speed': audienceSpeed,
  '013_streak_per_statement': streakPerStatement,
  '014_contact_filters': contactFilters,
};

/** Names that databases created before the renumbering recorded, and what they are called now. */
const RENAMED: Record<string, string> = { '004_audience': '003_audience', '005_sms_message_parts': '004_sms_message_parts' };

/** Brings the record of applied migrations up to today's names, so that an older database migrates as a new one would. */
async function renameRecordedMigrations(db: Kysely<any>): Promise<void> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((table) => table.name === 'kysely_migration')) return;
  await db.transaction().execute(async (trx) => {
    for (const [old, name] of Object.entries(RENAMED)) {
      await trx.updateTable('kysely_migration').set({ name }).where('name', '=', old).execute();
    }
  });
}

/** Applies what is not applied yet (up to and including `upTo` when given: tests build older databases this way); answers the names applied. */
export async function migrate(store: Store, upTo?: string): Promise<string[]> {
  const provider: MigrationProvider = {
    async getMigrations() {
      const bound: Record<string, Migration> = {};
      for (const [name, migration] of Object.entries(migrations)) {
        bound[name] = { up: (db) => migration.up(db, store.dialect) };
      }
      return bound;
    },
  };
  await renameRecordedMigrations(store.db);
  const migrator = new Migrator({ db: store.db, provider });
  const { error, results } = await (upTo === undefined ? migrator.migrateToLatest() : migrator.migrateTo(upTo));
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
