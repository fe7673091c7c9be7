import type { CreateTableBuilder, Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/** The whole platform's tables. Times are bigint milliseconds, booleans integers (see schema.ts). */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const id = <T extends string>(table: CreateTableBuilder<T, never>) =>
    dialect.name === 'sqlite'
      ? table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      : table.addColumn('id', 'bigserial', (c) => c.primaryKey());
  const json = dialect.jsonType;

  await id(db.schema.createTable('contacts'))
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('fields', json, (c) => c.notNull())
    .addColumn('email_status', 'text', (c) => c.notNull().defaultTo('subscribed'))
    .addColumn('sms_status', 'text', (c) => c.notNull().defaultTo('subscribed'))
    .addColumn('tracking_consent', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('erased_at', 'bigint')
    .execute();
  await db.schema.createIndex('contacts_email').unique().on('contacts').column('email').execute();
  await db.schema.createIndex('contacts_phone').unique().on('contacts').column('phone').execute();

  // Every custom field name in use, with its type: import mapping and the filter builder list them.
  await db.schema
    .createTable('custom_fields')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await id(db.schema.createTable('lists'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  // No foreign keys here: PostgreSQL checks them row by row, which halved import speed. Contacts are
  // never deleted (erasure keeps the row) and deleteList removes its members in the same transaction.
  await db.schema
    .createTable('list_members')
    .addColumn('list_id', 'bigint', (c) => c.notNull())
    .addColumn('contact_id', 'bigint', (c) => c.notNull())
    .addColumn('added_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('list_members_pk', ['list_id', 'contact_id'])
    .execute();
  await db.schema.createIndex('list_members_contact').on('list_members').column('contact_id').execute();

  await id(db.schema.createTable('campaigns'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft'))
    .addColumn('subject', 'text')
    .addColumn('preheader', 'text')
    .addColumn('from_name', 'text')
    .addColumn('from_email', 'text')
    .addColumn('reply_to', 'text')
    .addColumn('html', 'text')
    .addColumn('text', 'text')
    .addColumn('body', 'text')
    .addColumn('sender_id', 'text')
    .addColumn('list_ids', json, (c) => c.notNull())
    .addColumn('parent_campaign_id', 'bigint', (c) => c.references('campaigns.id').onDelete('set null'))
    .addColumn('audience_label', 'text')
    .addColumn('audience_snapshot', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('scheduled_at', 'bigint')
    .addColumn('sent_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .addColumn('status_reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('campaigns_parent').on('campaigns').column('parent_campaign_id').execute();
  await db.schema.createIndex('campaigns_due').on('campaigns').columns(['status', 'scheduled_at']).execute();

  await db.schema
    .createTable('campaign_audience')
    .addColumn('campaign_id', 'bigint', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
    .addColumn('contact_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('campaign_audience_pk', ['campaign_id', 'contact_id'])
    .execute();

  await id(db.schema.createTable('links'))
    .addColumn('campaign_id', 'bigint', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('link'))
    .execute();
  await db.schema.createIndex('links_campaign_position').unique().on('links').columns(['campaign_id', 'position']).execute();

  await id(db.schema.createTable('messages'))
    .addColumn('campaign_id', 'bigint', (c) => c.notNull())
    .addColumn('contact_id', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('queued'))
    .addColumn('skip_reason', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'bigint')
    .addColumn('provider_id', 'text')
    .addColumn('sent_at', 'bigint')
    .addColumn('delivered_at', 'bigint')
    .addColumn('bounce_type', 'text')
    .addColumn('bounce_reason', 'text')
    .addColumn('opens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('human_opens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('clicks', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('human_clicks', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_open_at', 'bigint')
    .addColumn('last_open_at', 'bigint')
    .addColumn('first_human_open_at', 'bigint')
    .addColumn('last_human_open_at', 'bigint')
    .addColumn('first_click_at', 'bigint')
    .addColumn('last_click_at', 'bigint')
    .addColumn('first_human_click_at', 'bigint')
    .addColumn('last_human_click_at', 'bigint')
    .addColumn('unsubscribed_at', 'bigint')
    .addColumn('complained_at', 'bigint')
    .execute();
  await db.schema.createIndex('messages_campaign_contact').unique().on('messages').columns(['campaign_id', 'contact_id']).execute();
  await db.schema.createIndex('messages_contact').on('messages').column('contact_id').execute();
  await db.schema.createIndex('messages_queue').on('messages').columns(['campaign_id', 'status', 'next_attempt_at']).execute();
  await db.schema.createIndex('messages_provider').on('messages').column('provider_id').execute();

  await db.schema
    .createTable('message_links')
    .addColumn('message_id', 'bigint', (c) => c.notNull())
    .addColumn('link_id', 'bigint', (c) => c.notNull())
    .addColumn('campaign_id', 'bigint', (c) => c.notNull())
    .addColumn('clicks', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('human_clicks', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_click_at', 'bigint', (c) => c.notNull())
    .addColumn('last_click_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('message_links_pk', ['message_id', 'link_id'])
    .execute();
  await db.schema.createIndex('message_links_link').on('message_links').columns(['link_id', 'message_id']).execute();

  await id(db.schema.createTable('events'))
    .addColumn('campaign_id', 'bigint', (c) => c.notNull())
    .addColumn('message_id', 'bigint')
    .addColumn('link_id', 'bigint')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('human', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('reason', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('ip', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('events_message').on('events').column('message_id').execute();
  await db.schema.createIndex('events_campaign_at').on('events').columns(['campaign_id', 'at']).execute();

  await db.schema
    .createTable('sms_short_links')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('message_id', 'bigint')
    .addColumn('campaign_id', 'bigint', (c) => c.notNull())
    .addColumn('link_id', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sms_short_links_message').on('sms_short_links').column('message_id').execute();

  await id(db.schema.createTable('imports'))
    .addColumn('list_id', 'bigint', (c) => c.references('lists.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('queued'))
    .addColumn('filename', 'text')
    .addColumn('file_path', 'text')
    .addColumn('plan', json)
    .addColumn('total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('processed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('imported', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failure', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();

  await db.schema
    .createTable('import_errors')
    .addColumn('import_id', 'bigint', (c) => c.notNull().references('imports.id').onDelete('cascade'))
    .addColumn('row', 'integer', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('import_errors_import').on('import_errors').columns(['import_id', 'row']).execute();

  await id(db.schema.createTable('api_keys'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('api_keys_hash').unique().on('api_keys').column('hash').execute();

  await id(db.schema.createTable('users'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('users_email').unique().on('users').column('email').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();

  await id(db.schema.createTable('saved_views'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('segment', 'text')
    .addColumn('filter', json)
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await id(db.schema.createTable('auto_relaunches'))
    .addColumn('campaign_id', 'bigint', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
    .addColumn('after_days', 'integer', (c) => c.notNull())
    .addColumn('segment', 'text', (c) => c.notNull())
    .addColumn('human', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('subject', 'text')
    .addColumn('run_at', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('relaunch_campaign_id', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('auto_relaunches_due').on('auto_relaunches').columns(['status', 'run_at']).execute();
}
