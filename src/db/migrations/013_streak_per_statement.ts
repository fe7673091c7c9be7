import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';
import { COUNTED, counted, engaged } from './010_dormant.js';

/**
 * The relaunch guard's streaks (010_dormant) recounted once per statement on
 * PostgreSQL: a sender writes its outcomes 50 at a time and the folder thousands of
 * counters at once, and a row-level trigger ran the recount (a lock and an update,
 * each planned anew) for every one of them, 5–9× the cost of the outcome itself.
 * Now each statement's changed rows are compared old to new and the contacts whose
 * streak can have changed are recounted together, as inserts already were. SQLite
 * keeps its row-level triggers (no transition tables), where they cost 1.6×.
 */

export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  if (dialect.name !== 'postgres') return;
  await sql.raw(`drop trigger messages_streak_on_update on messages`).execute(db);
  await sql.raw(`drop trigger messages_streak_on_delete on messages`).execute(db);
  await sql
    .raw(
      `create function messages_streak_on_update() returns trigger language plpgsql as $$
       declare ids bigint[];
       begin
         ids := array(
           select distinct n.contact_id from changed_new n join changed_old o on o.id = n.id
           where ${counted('o')} <> ${counted('n')} or ${engaged('o')} <> ${engaged('n')});
         if cardinality(ids) > 0 then perform contacts_recount_streak(ids); end if;
         return null;
       end $$`,
    )
    .execute(db);
  // Transition tables cannot go with a column list: every update of messages passes here, and most find no contact to recount.
  await sql
    .raw(
      `create trigger messages_streak_on_update after update on messages
       referencing old table as changed_old new table as changed_new for each statement execute function messages_streak_on_update()`,
    )
    .execute(db);
  await sql
    .raw(
      `create function messages_streak_on_delete() returns trigger language plpgsql as $$
       begin
         perform contacts_recount_streak(array(select distinct contact_id from removed where status in ${COUNTED}));
         return null;
       end $$`,
    )
    .execute(db);
  await sql
    .raw(`create trigger messages_streak_on_delete after delete on messages referencing old table as removed for each statement execute function messages_streak_on_delete()`)
    .execute(db);
}
