import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Workspaces (docs/workspaces.md). Every top-level object gets a workspace_id; what hangs
 * under a campaign or a list (messages, events, links, members, import errors…) is reached
 * through its owner and needs none. Existing data moves into the first workspace, whose
 * owners are the existing users; existing API keys become its admins.
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const id = <T extends string>(table: CreateTableBuilder<T, never>) =>
    dialect.name === 'sqlite'
      ? table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      : table.addColumn('id', 'bigserial', (c) => c.primaryKey());
  const now = Date.now();

  await id(db.schema.createTable('workspaces'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('workspaces').values({ name: 'My workspace', created_at: now }).execute();

  await db.schema
    .createTable('workspace_members')
    .addColumn('workspace_id', 'bigint', (c) => c.notNull().references('workspaces.id'))
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('workspace_members_pk', ['workspace_id', 'user_id'])
    .execute();
  await db.schema.createIndex('workspace_members_user').on('workspace_members').columns(['user_id', 'workspace_id']).execute();
  await sql`insert into workspace_members (workspace_id, user_id, role, created_at) select 1, id, 'owner', ${now} from users`.execute(db);

  await id(db.schema.createTable('invitations'))
    .addColumn('workspace_id', 'bigint', (c) => c.notNull().references('workspaces.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('invited_by', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('accepted_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('invitations_workspace').on('invitations').columns(['workspace_id', 'email']).execute();

  await id(db.schema.createTable('sending_domains'))
    .addColumn('workspace_id', 'bigint', (c) => c.notNull().references('workspaces.id'))
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('selector', 'text', (c) => c.notNull())
    .addColumn('private_key', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('checked_at', 'bigint')
    .addColumn('check_result', dialect.jsonType)
    .execute();
  await db.schema.createIndex('sending_domains_workspace_domain').unique().on('sending_domains').columns(['workspace_id', 'domain']).execute();

  await id(db.schema.createTable('audit_log'))
    .addColumn('workspace_id', 'bigint', (c) => c.notNull().references('workspaces.id'))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'bigint')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('object_type', 'text', (c) => c.notNull())
    .addColumn('object_id', 'bigint')
    .addColumn('details', dialect.jsonType)
    .execute();
  // GET /api/audit pages newest first within one workspace.
  await db.schema.createIndex('audit_log_workspace').on('audit_log').columns(['workspace_id', 'id']).execute();

  // Existing rows belong to the first workspace. The database default is only for them: every
  // insert names its workspace (the column is required in schema.ts), and PostgreSQL drops it.
  for (const table of ['contacts', 'lists', 'campaigns', 'saved_views', 'imports', 'api_keys', 'unmatched_reports']) {
    await db.schema.alterTable(table).addColumn('workspace_id', 'bigint', (c) => c.notNull().defaultTo(1)).execute();
    if (dialect.name === 'postgres') await sql`alter table ${sql.table(table)} alter column workspace_id drop default`.execute(db);
  }
  await db.schema.alterTable('api_keys').addColumn('role', 'text', (c) => c.notNull().defaultTo('admin')).execute();

  // Contacts are unique per workspace: the same address may exist in two.
  await db.schema.dropIndex('contacts_email').execute();
  await db.schema.dropIndex('contacts_phone').execute();
  await db.schema.createIndex('contacts_workspace_email').unique().on('contacts').columns(['workspace_id', 'email']).execute();
  await db.schema.createIndex('contacts_workspace_phone').unique().on('contacts').columns(['workspace_id', 'phone']).execute();
  // Listings page by id inside one workspace.
  await db.schema.createIndex('contacts_workspace_id').on('contacts').columns(['workspace_id', 'id']).execute();
  await db.schema.createIndex('lists_workspace').on('lists').columns(['workspace_id', 'id']).execute();
  await db.schema.createIndex('campaigns_workspace').on('campaigns').columns(['workspace_id', 'id']).execute();
  await db.schema.createIndex('saved_views_workspace').on('saved_views').columns(['workspace_id', 'id']).execute();
  await db.schema.createIndex('imports_workspace').on('imports').columns(['workspace_id', 'id']).execute();
  await db.schema.createIndex('api_keys_workspace').on('api_keys').columns(['workspace_id', 'id']).execute();
  await db.schema.createIndex('unmatched_reports_workspace').on('unmatched_reports').columns(['workspace_id', 'id']).execute();

  // A custom field's name is unique within its workspace.
  await db.schema.alterTable('custom_fields').renameTo('custom_fields_before_workspaces').execute();
  await db.schema
    .createTable('custom_fields')
    .addColumn('workspace_id', 'bigint', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('custom_fields_workspace_name', ['workspace_id', 'name'])
    .execute();
  await sql`insert into custom_fields (workspace_id, name, type, created_at) select 1, name, type, created_at from custom_fields_before_workspaces`.execute(db);
  await db.schema.dropTable('custom_fields_before_workspaces').execute();
}
