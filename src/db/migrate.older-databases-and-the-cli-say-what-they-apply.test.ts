import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { describeEachDatabase, freshDatabase } from '../../test/support/databases.js';
import { openStore, type Store } from './connection.js';
import { migrate } from './migrate.js';

const ALL = ['001_initial', '002_sending', '003_audience', '004_sms_message_parts', '005_unmatched_reports'];
const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

describeEachDatabase('Migrations', (kind) => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  const fresh = async () => {
    const database = await freshDatabase(kind);
    const store = openStore(database.url);
    cleanup.push(() => database.drop(), () => store.close());
    return { url: database.url, store };
  };
  const recorded = async (store: Store) =>
    (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db)).rows.map((r) => r.name);

  it('applies every migration in order to a new database, then nothing', async () => {
    const { store } = await fresh();
    expect(await migrate(store)).toEqual(ALL);
    expect(await migrate(store)).toEqual([]);
    expect(await recorded(store)).toEqual(ALL);
  });

  it('takes a database that recorded the old numbering (004_audience, 005_sms_message_parts) as up to date, and applies only what is new', async () => {
    const { store } = await fresh();
    await migrate(store);
    // As a database migrated before the renumbering and before unmatched reports existed.
    await sql`update kysely_migration set name = '004_audience' where name = '003_audience'`.execute(store.db);
    await sql`update kysely_migration set name = '005_sms_message_parts' where name = '004_sms_message_parts'`.execute(store.db);
    await sql`delete from kysely_migration where name = '005_unmatched_reports'`.execute(store.db);
    await sql`drop table unmatched_reports`.execute(store.db);
    expect(await migrate(store)).toEqual(['005_unmatched_reports']);
    expect(await recorded(store)).toEqual(ALL);
  });

  it('ricochet migrate says what it applied, then that the database is up to date', async () => {
    const { url } = await fresh();
    const migrateCli = () => run(`${root}node_modules/.bin/tsx`, ['src/main.ts', 'migrate'], { cwd: root, env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' } });
    expect((await migrateCli()).stdout.trim()).toBe(`applied: ${ALL.join(', ')}`);
    expect((await migrateCli()).stdout.trim()).toBe('database is up to date');
  });
});
