import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql, type Kysely } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { ricochetArgs } from '../../test/support/compiled.js';
import { describeEachDatabase, freshDatabase } from '../../test/support/databases.js';
import { openStore, type Store } from './connection.js';
import { migrate } from './migrate.js';

const ALL = ['001_initial', '002_sending', '003_audience', '004_sms_message_parts', '005_unmatched_reports', '006_workspaces', '007_designer', '008_forms', '009_ab_tests', '010_dormant', '011_tracking_log', '012_audience_speed', '013_streak_per_statement', '014_contact_filters'];
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
    // As a database migrated before the renumbering and before unmatched reports existed.
    await migrate(store, '004_sms_message_parts');
    await sql`update kysely_migration set name = '004_audience' where name = '003_audience'`.execute(store.db);
    await sql`update kysely_migration set name = '005_sms_message_parts' where name = '004_sms_message_parts'`.execute(store.db);
    expect(await migrate(store)).toEqual(['005_unmatched_reports', '006_workspaces', '007_designer', '008_forms', '009_ab_tests', '010_dormant', '011_tracking_log', '012_audience_speed', '013_streak_per_statement', '014_contact_filters']);
    expect(await recorded(store)).toEqual(ALL);
  });

  it('moves a database from before workspaces into its first workspace: users become owners, keys admins, data stays', async () => {
    const { store } = await fresh();
    await migrate(store, '005_unmatched_reports');
    const db = store.db as unknown as Kysely<any>;
    await db.insertInto('users').values({ email: 'ada@example.test', password_hash: 'x', created_at: 1 }).execute();
    await db.insertInto('api_keys').values({ name: 'ci', prefix: 'rk_abc', hash: 'h', created_at: 1 }).execute();
    await db.insertInto('contacts').values({ email: 'c@example.test', fields: store.dialect.writeJson({ city: 'Lyon' }), created_at: 1, updated_at: 1 }).execute();
    await db.insertInto('custom_fields').values({ name: 'city', type: 'string', created_at: 1 }).execute();
    await db.insertInto('lists').values({ name: 'Everyone', created_at: 1 }).execute();

    expect(await migrate(store)).toEqual(['006_workspaces', '007_designer', '008_forms', '009_ab_tests', '010_dormant', '011_tracking_log', '012_audience_speed', '013_streak_per_statement', '014_contact_filters']);
    expect(await db.selectFrom('workspaces').select(['id', 'name']).execute()).toEqual([{ id: 1, name: 'My workspace' }]);
    expect(await db.selectFrom('workspace_members').select(['workspace_id', 'role']).execute()).toEqual([{ workspace_id: 1, role: 'owner' }]);
    expect(await db.selectFrom('api_keys').select(['workspace_id', 'role']).execute()).toEqual([{ workspace_id: 1, role: 'admin' }]);
    for (const table of ['contacts', 'custom_fields', 'lists']) {
      expect((await db.selectFrom(table).select('workspace_id').execute()).map((r) => Number(r.workspace_id))).toEqual([1]);
    }
    // The same address may now exist in another workspace, and still only once in each.
    await db.insertInto('workspaces').values({ name: 'Brand B', created_at: 2 }).execute();
    const again = { email: 'c@example.test', fields: store.dialect.writeJson({}), created_at: 2, updated_at: 2 };
    await db.insertInto('contacts').values({ ...again, workspace_id: 2 }).execute();
    await expect(db.insertInto('contacts').values({ ...again, workspace_id: 1 }).execute()).rejects.toThrow(/unique/i);
    await db.insertInto('custom_fields').values({ workspace_id: 2, name: 'city', type: 'number', created_at: 2 }).execute();
  });

  it('ricochet migrate says what it applied, then that the database is up to date', async () => {
    const { url } = await fresh();
    const migrateCli = () => run(process.execPath, ricochetArgs('migrate'), { cwd: root, env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' } });
    expect((await migrateCli()).stdout.trim()).toBe(`applied: ${ALL.join(', ')}`);
    expect((await migrateCli()).stdout.trim()).toBe('database is up to date');
  });
});
