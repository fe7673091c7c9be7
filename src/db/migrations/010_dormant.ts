import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * The relaunch guard (SPEC §11, docs/guard-and-checks.md): contacts.ignored_streak is
 * how many of the contact's most recent campaigns in a row reached it (message sent or
 * delivered) without a human open or click. A contact is dormant for N when the streak
 * is at least N, so the guard is one indexed read per contact instead of a walk through
 * its message history. Triggers on messages recompute the streak of the contact whose
 * message changed in a way that matters (sent, bounced, first human open or click, a
 * human event relabelled machine), from that contact's own messages: it stays exact
 * whatever the order in which outcomes and events arrive.
 */

export const COUNTED = `('sent', 'delivered')`;

/** The streak of contact `id`, from its messages. A message sent in the same millisecond as the last engaged one counts as engaged. */
export const streakOf = (id: string) =>
  `(select count(*) from messages s where s.contact_id = ${id} and s.status in ${COUNTED}
     and s.sent_at > coalesce((select max(e.sent_at) from messages e where e.contact_id = ${id} and e.status in ${COUNTED}
       and (e.human_opens > 0 or e.human_clicks > 0)), -1))`;

export const counted = (row: string) => `(${row}.status in ${COUNTED})`;
export const engaged = (row: string) => `(${row}.human_opens > 0 or ${row}.human_clicks > 0)`;

export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema.alterTable('contacts').addColumn('ignored_streak', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // The guard reads the dormant of a workspace from here (few, usually), then checks them against the audience.
  await db.schema.createIndex('contacts_workspace_ignored').on('contacts').columns(['workspace_id', 'ignored_streak']).execute();

  const changed = `${counted('old')} <> ${counted('new')} or ${engaged('old')} <> ${engaged('new')}`;
  if (dialect.name === 'sqlite') {
    // SQLite has one writer at a time: recomputing in the trigger is exact.
    await sql
      .raw(
        `create trigger messages_streak_on_insert after insert on messages when ${counted('new')}
         begin update contacts set ignored_streak = ${streakOf('new.contact_id')} where id = new.contact_id; end`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger messages_streak_on_update after update of status, human_opens, human_clicks on messages when ${changed}
         begin update contacts set ignored_streak = ${streakOf('new.contact_id')} where id = new.contact_id; end`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger messages_streak_on_delete after delete on messages when ${counted('old')}
         begin update contacts set ignored_streak = ${streakOf('old.contact_id')} where id = old.contact_id; end`,
      )
      .execute(db);
  } else {
    // Two transactions may change messages of the same contact at once (an outcome and an open). Each first locks
    // the contact, then counts in a statement of its own, whose snapshot sees what the other committed meanwhile.
    await sql
      .raw(
        `create function contacts_recount_streak(ids bigint[]) returns void language plpgsql as $$
         begin
           perform 1 from contacts where id = any(ids) order by id for update;
           update contacts c set ignored_streak = ${streakOf('c.id')} where c.id = any(ids);
         end $$`,
      )
      .execute(db);
    // Audiences are inserted queued, hundreds of thousands at once: one set-based statement, which finds nothing to do.
    await sql
      .raw(
        `create function messages_streak_on_insert() returns trigger language plpgsql as $$
         begin
           perform contacts_recount_streak(array(select distinct contact_id from inserted where status in ${COUNTED}));
           return null;
         end $$`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger messages_streak_on_insert after insert on messages
         referencing new table as inserted for each statement execute function messages_streak_on_insert()`,
      )
      .execute(db);
    await sql
      .raw(
        `create function messages_streak_on_change() returns trigger language plpgsql as $$
         begin
           perform contacts_recount_streak(array[case when tg_op = 'DELETE' then old.contact_id else new.contact_id end]);
           return null;
         end $$`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger messages_streak_on_update after update of status, human_opens, human_clicks on messages for each row
         when (${changed}) execute function messages_streak_on_change()`,
      )
      .execute(db);
    await sql
      .raw(`create trigger messages_streak_on_delete after delete on messages for each row when ${counted('old')} execute function messages_streak_on_change()`)
      .execute(db);
  }
  // Contacts that were already sent campaigns.
  await sql.raw(`update contacts set ignored_streak = ${streakOf('contacts.id')} where exists (select 1 from messages m where m.contact_id = contacts.id)`).execute(db);
}
