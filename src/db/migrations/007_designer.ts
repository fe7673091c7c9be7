import type { CreateTableBuilder, Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/** The email designer (SPEC §10): a campaign's block document, saved templates and uploaded images. */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const id = <T extends string>(table: CreateTableBuilder<T, never>) =>
    dialect.name === 'sqlite'
      ? table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      : table.addColumn('id', 'bigserial', (c) => c.primaryKey());

  await db.schema.alterTable('campaigns').addColumn('design', dialect.jsonType).execute();

  await id(db.schema.createTable('templates'))
    .addColumn('workspace_id', 'bigint', (c) => c.notNull().references('workspaces.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('design', dialect.jsonType)
    .addColumn('html', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('templates_workspace').on('templates').columns(['workspace_id', 'id']).execute();

  await id(db.schema.createTable('media'))
    .addColumn('workspace_id', 'bigint', (c) => c.notNull().references('workspaces.id'))
    .addColumn('file_name', 'text', (c) => c.notNull().unique())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('original_name', 'text', (c) => c.notNull())
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('media_workspace').on('media').columns(['workspace_id', 'id']).execute();
}
