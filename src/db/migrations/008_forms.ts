import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/** Sign-up forms, double opt-in, consent records and the preference page's lists (SPEC §12). */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const id = <T extends string>(table: CreateTableBuilder<T, never>) =>
    dialect.name === 'sqlite'
      ? table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      : table.addColumn('id', 'bigserial', (c) => c.primaryKey());

  await db.schema.alterTable('lists').addColumn('public_name', 'text').execute();
  await db.schema.alterTable('lists').addColumn('on_preferences', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  await id(db.schema.createTable('forms'))
    .addColumn('workspace_id', 'bigint', (c) => c.notNull().references('workspaces.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('list_ids', dialect.jsonType, (c) => c.notNull())
    .addColumn('fields', dialect.jsonType, (c) => c.notNull())
    .addColumn('double_opt_in', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('consent_text', 'text', (c) => c.notNull())
    .addColumn('messages', dialect.jsonType, (c) => c.notNull())
    .addColumn('views', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('forms_workspace').on('forms').columns(['workspace_id', 'id']).execute();

  await id(db.schema.createTable('form_signups'))
    .addColumn('form_id', 'bigint', (c) => c.notNull().references('forms.id').onDelete('cascade'))
    .addColumn('contact_id', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('confirmed_at', 'bigint')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('form_signups_form').on('form_signups').columns(['form_id', 'created_at']).execute();
  await db.schema.createIndex('form_signups_contact').on('form_signups').columns(['contact_id']).execute();
  // The expiry sweep finds unconfirmed sign-ups past their time.
  await db.schema.createIndex('form_signups_expiry').on('form_signups').columns(['expires_at']).where(sql.ref('confirmed_at'), 'is', null).execute();

  await id(db.schema.createTable('consents'))
    .addColumn('contact_id', 'bigint', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('form_id', 'bigint')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('consents_contact').on('consents').columns(['contact_id', 'at']).execute();
}
