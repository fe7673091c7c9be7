import { sql, type Kysely, type SqlBool } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Every filter within 100 ms at 1M recipients (docs/audience.md, docs/performance.md).
 *
 * messages.clicked_links and human_clicked_links hold, as bits, which links of its
 * campaign a message clicked (bit position − 1 set when its message_links row has
 * clicks > 0, human_clicks > 0 for the human mask), for the first LINK_BITS positions.
 * "Clicked link n" and "did not click link n" then read a column of the view's index
 * instead of joining message_links: at 1M recipients the anti-join doubled a view's
 * count, and on PostgreSQL it kept a time-sorted page from stopping at its first 50
 * rows. Triggers on message_links keep the masks, whoever writes the rows (the
 * tracking folder, rebuild-stats, erasure); a row changes a mask only when its first
 * click arrives (or a recount takes it back to 0), so most folds write nothing here.
 */

/** Positions 1..52: a bit value stays an exact JavaScript number and a plain bound parameter. */
export const LINK_BITS = 52;

/** The mask of message `id` from its rows: `count` is clicks or human_clicks. Positions are distinct within a campaign, so the sum is the OR. */
const maskOf = (id: string, count: 'clicks' | 'human_clicks', dialect: Dialect) => {
  const bit = dialect.name === 'sqlite' ? '(1 << (l.position - 1))' : '(cast(1 as bigint) << (l.position - 1))';
  const sum = `coalesce(sum(${bit}), 0)`;
  return `(select ${dialect.name === 'sqlite' ? sum : `cast(${sum} as bigint)`} from message_links x join links l on l.id = x.link_id
    where x.message_id = ${id} and x.${count} > 0 and l.position <= ${LINK_BITS})`;
};

export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema.alterTable('messages').addColumn('clicked_links', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('messages').addColumn('human_clicked_links', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await sql
    .raw(
      `update messages set clicked_links = ${maskOf('messages.id', 'clicks', dialect)}, human_clicked_links = ${maskOf('messages.id', 'human_clicks', dialect)}
       where id in (select message_id from message_links)`,
    )
    .execute(db);

  const set = (id: string) =>
    `update messages set clicked_links = ${maskOf(id, 'clicks', dialect)}, human_clicked_links = ${maskOf(id, 'human_clicks', dialect)} where id = ${id}`;
  if (dialect.name === 'sqlite') {
    const clicked = (row: string) => `(${row}.clicks > 0) || (${row}.human_clicks > 0)`;
    await sql.raw(`create trigger message_links_mask_on_insert after insert on message_links when new.clicks > 0 or new.human_clicks > 0 begin ${set('new.message_id')}; end`).execute(db);
    await sql
      .raw(
        `create trigger message_links_mask_on_update after update of clicks, human_clicks, message_id, link_id on message_links
         when ${clicked('old')} <> ${clicked('new')} or old.message_id <> new.message_id or old.link_id <> new.link_id
         begin ${set('old.message_id')}; ${set('new.message_id')}; end`,
      )
      .execute(db);
    await sql.raw(`create trigger message_links_mask_on_delete after delete on message_links when old.clicks > 0 or old.human_clicks > 0 begin ${set('old.message_id')}; end`).execute(db);
  } else {
    // One set-based statement per write statement (a fold upserts thousands of rows at once), and only for
    // messages whose mask can have changed: a row that got its first click, lost its last, or appeared or went.
    const recompute = (changed: string) =>
      `update messages m set clicked_links = r.c, human_clicked_links = r.h
       from (select i.message_id, ${maskOf('i.message_id', 'clicks', dialect)} as c, ${maskOf('i.message_id', 'human_clicks', dialect)} as h
             from (select distinct message_id from (${changed}) s) i) r
       where m.id = r.message_id and (m.clicked_links <> r.c or m.human_clicked_links <> r.h)`;
    const fn = (name: string, changed: string) =>
      sql.raw(`create function ${name}() returns trigger language plpgsql as $$ begin ${recompute(changed)}; return null; end $$`).execute(db);
    await fn('message_links_mask_on_insert', `select message_id from inserted where clicks > 0 or human_clicks > 0`);
    await fn(
      'message_links_mask_on_update',
      `select n.message_id from before_rows o join after_rows n on n.message_id = o.message_id and n.link_id = o.link_id
        where (o.clicks > 0) <> (n.clicks > 0) or (o.human_clicks > 0) <> (n.human_clicks > 0)`,
    );
    await fn('message_links_mask_on_delete', `select message_id from deleted where clicks > 0 or human_clicks > 0`);
    await sql
      .raw(
        `create trigger message_links_mask_on_insert after insert on message_links
         referencing new table as inserted for each statement execute function message_links_mask_on_insert()`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger message_links_mask_on_update after update on message_links
         referencing old table as before_rows new table as after_rows for each statement execute function message_links_mask_on_update()`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger message_links_mask_on_delete after delete on message_links
         referencing old table as deleted for each statement execute function message_links_mask_on_delete()`,
      )
      .execute(db);
  }

  // The view's covering index (migration 003) gains the masks, so "clicked link n" stays index-only.
  await db.schema.dropIndex('messages_view').execute();
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
      'clicked_links',
      'human_clicked_links',
      'id',
    ])
    // Written the same way in src/audience/view.ts (recipientsOf), so that both engines match it.
    .where(sql.raw<SqlBool>("status <> 'skipped' and contact_state <> 2"))
    .execute();
}
