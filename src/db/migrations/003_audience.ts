import { sql, type Kysely, type SqlBool } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Behavioral tracking at scale (see docs/audience.md).
 *
 * messages.contact_state copies what the audience needs to know about the contact
 * into the message row: 0 = behaviour usable, 1 = tracking consent off (behaviour
 * treated as none), 2 = erased (not a recipient of any view). Triggers keep it in
 * step with contacts, so that every segment and filter is answered from one covering
 * index without a join to contacts.
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema.alterTable('messages').addColumn('contact_state', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  const state = (contact: string) =>
    `case when ${contact}.erased_at is not null then 2 when ${contact}.tracking_consent = 0 then 1 else 0 end`;
  if (dialect.name === 'sqlite') {
    await sql
      .raw(
        `create trigger messages_contact_state_on_insert after insert on messages
         when exists (select 1 from contacts c where c.id = new.contact_id and (c.erased_at is not null or c.tracking_consent = 0))
         begin
           update messages set contact_state = (select ${state('c')} from contacts c where c.id = new.contact_id) where id = new.id;
         end`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger contacts_state_to_messages after update of tracking_consent, erased_at on contacts
         when old.tracking_consent is not new.tracking_consent or old.erased_at is not new.erased_at
         begin
           update messages set contact_state = ${state('new')} where contact_id = new.id;
         end`,
      )
      .execute(db);
  } else {
    // One set-based statement per INSERT (the sender inserts whole audiences at once), not one call per row.
    await sql
      .raw(
        `create function messages_contact_state_on_insert() returns trigger language plpgsql as $$
         begin
           update messages m set contact_state = ${state('c')}
             from inserted i join contacts c on c.id = i.contact_id
             where m.id = i.id and (c.erased_at is not null or c.tracking_consent = 0);
           return null;
         end $$`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger messages_contact_state_on_insert after insert on messages
         referencing new table as inserted for each statement execute function messages_contact_state_on_insert()`,
      )
      .execute(db);
    await sql
      .raw(
        `create function contacts_state_to_messages() returns trigger language plpgsql as $$
         begin
           update messages set contact_state = ${state('new')} where contact_id = new.id;
           return null;
         end $$`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger contacts_state_to_messages after update of tracking_consent, erased_at on contacts for each row
         when (old.tracking_consent is distinct from new.tracking_consent or old.erased_at is distinct from new.erased_at)
         execute function contacts_state_to_messages()`,
      )
      .execute(db);
  }

  // A relaunch writes its whole snapshot at once (500k rows and more): a foreign key checks every
  // row on its own (most of the time of such an INSERT on PostgreSQL), so the snapshot's link to its
  // campaign is kept by a trigger that removes it with the campaign, as the cascade did.
  if (dialect.name === 'sqlite') {
    await sql.raw('create table campaign_audience_new (campaign_id bigint not null, contact_id bigint not null, constraint campaign_audience_pk primary key (campaign_id, contact_id))').execute(db);
    await sql.raw('insert into campaign_audience_new select campaign_id, contact_id from campaign_audience').execute(db);
    await sql.raw('drop table campaign_audience').execute(db);
    await sql.raw('alter table campaign_audience_new rename to campaign_audience').execute(db);
    await sql
      .raw('create trigger campaigns_delete_audience after delete on campaigns begin delete from campaign_audience where campaign_id = old.id; end')
      .execute(db);
  } else {
    await sql.raw('alter table campaign_audience drop constraint campaign_audience_campaign_id_fkey').execute(db);
    await sql
      .raw(
        `create function campaigns_delete_audience() returns trigger language plpgsql as $$
         begin
           delete from campaign_audience a using deleted d where a.campaign_id = d.id;
           return null;
         end $$`,
      )
      .execute(db);
    await sql
      .raw('create trigger campaigns_delete_audience after delete on campaigns referencing old table as deleted for each statement execute function campaigns_delete_audience()')
      .execute(db);
  }

  // The recipients of every view (attempted, contact not erased), with all that segments, counter
  // and date filters and the summary read, in contact order (the default sort): a count is one scan
  // of an index range whose WHERE both engines recognise in the query (so they do not re-check it),
  // a first page stops after 50 matches, and "did not click" anti-joins find m.id in it. Every open
  // or click already rewrites the entry (its counters change), so the dates cost no extra writes.
  await db.schema
    .createIndex('messages_view')
    .on('messages')
    .columns([
      'campaign_id',
      'contact_id',
      'status',
      'contact_state',
      'opens',
      'clicks',
      'human_opens',
      'human_clicks',
      'first_open_at',
      'last_open_at',
      'first_click_at',
      'last_click_at',
      'id',
    ])
    // Written the same way in src/audience/view.ts (recipientsOf), so that both engines match it.
    .where(sql.raw<SqlBool>("status <> 'skipped' and contact_state <> 2"))
    .execute();
  // "Clicked link n" conditions read the clickers of one link without touching the table.
  await db.schema
    .createIndex('message_links_link_clicks')
    .on('message_links')
    .columns(['link_id', 'message_id', 'clicks', 'human_clicks'])
    .execute();
  await db.schema.createIndex('auto_relaunches_campaign').on('auto_relaunches').column('campaign_id').execute();
}
