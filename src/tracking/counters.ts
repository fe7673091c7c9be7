import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Dialect } from '../db/dialect.js';
import type { Database } from '../db/schema.js';
import { streakOf } from '../db/migrations/010_dormant.js';
import type { WorkspaceContext } from '../context.js';
import { notFound } from '../http/errors.js';

/**
 * The behaviour counters on `messages` and `message_links`, folded from the event
 * log by one definition, counterWrites: the folder (fold.ts) adds each batch of
 * events with it, and a message relabelled by a burst or `ricochet rebuild-stats`
 * is zeroed and folded again from its events with it (refoldCounters):
 * - opens / human_opens: open events (pixel loads) only;
 * - clicks / human_clicks: click events (the honeypot's included: labelled, not dropped);
 * - first/last_open_at: the first and last open *or click*, since a click implies an open;
 * - first/last_click_at: clicks; the human_ variants count human events only;
 * - message_links: per message and link, clicks, human clicks, first and last click.
 */

type Db = Kysely<Database>;

export interface CountedEvent {
  message_id: number | null;
  link_id: number | null;
  campaign_id: number;
  type: 'open' | 'click';
  human: number;
  at: number;
}

const SUMS = ['opens', 'human_opens', 'clicks', 'human_clicks'] as const;
const FIRSTS = ['first_open_at', 'first_human_open_at', 'first_click_at', 'first_human_click_at'] as const;
const LASTS = ['last_open_at', 'last_human_open_at', 'last_click_at', 'last_human_click_at'] as const;
const DELTA_COLUMNS = ['id', ...SUMS, ...FIRSTS, ...LASTS] as const;

/** One message's share of a batch: counts to add, times to fold in. */
type MessageDelta = { id: number } & Record<(typeof SUMS)[number], number> & Record<(typeof FIRSTS)[number] | (typeof LASTS)[number], number | null>;

const earliest = (a: number | null, b: number) => (a === null || b < a ? b : a);
const latest = (a: number | null, b: number) => (a === null || b > a ? b : a);

function messageDeltas(events: readonly CountedEvent[]): MessageDelta[] {
  const deltas = new Map<number, MessageDelta>();
  for (const e of events) {
    if (e.message_id === null) continue;
    let d = deltas.get(e.message_id);
    if (!d) {
      d = { id: e.message_id, opens: 0, human_opens: 0, clicks: 0, human_clicks: 0, first_open_at: null, last_open_at: null, first_human_open_at: null, last_human_open_at: null, first_click_at: null, last_click_at: null, first_human_click_at: null, last_human_click_at: null };
      deltas.set(e.message_id, d);
    }
    const human = e.human === 1;
    d.first_open_at = earliest(d.first_open_at, e.at);
    d.last_open_at = latest(d.last_open_at, e.at);
    if (human) {
      d.first_human_open_at = earliest(d.first_human_open_at, e.at);
      d.last_human_open_at = latest(d.last_human_open_at, e.at);
    }
    if (e.type === 'open') {
      d.opens++;
      if (human) d.human_opens++;
    } else {
      d.clicks++;
      d.first_click_at = earliest(d.first_click_at, e.at);
      d.last_click_at = latest(d.last_click_at, e.at);
      if (human) {
        d.human_clicks++;
        d.first_human_click_at = earliest(d.first_human_click_at, e.at);
        d.last_human_click_at = latest(d.last_human_click_at, e.at);
      }
    }
  }
  // Ascending ids: concurrent batches on PostgreSQL lock rows in the same order.
  return [...deltas.values()].sort((a, b) => a.id - b.id);
}

/**
 * The statements that add a batch of new events to the counters: one for
 * messages, one for message_links, each taking the whole batch as one JSON parameter.
 */
export function counterWrites(dialect: Dialect, events: readonly CountedEvent[]): Array<RawBuilder<unknown>> {
  const writes: Array<RawBuilder<unknown>> = [];
  const deltas = messageDeltas(events);
  if (deltas.length) {
    const d = dialect.jsonRows(deltas, Object.fromEntries(DELTA_COLUMNS.map((c) => [c, c === 'id' || c.endsWith('_at') ? 'bigint' : 'integer'])));
    const col = (c: string) => sql.raw(c);
    const set = [
      ...SUMS.map((c) => sql`${col(c)} = messages.${col(c)} + d.${col(c)}`),
      ...FIRSTS.map((c) => sql`${col(c)} = case when d.${col(c)} is not null and (messages.${col(c)} is null or d.${col(c)} < messages.${col(c)}) then d.${col(c)} else messages.${col(c)} end`),
      ...LASTS.map((c) => sql`${col(c)} = case when d.${col(c)} is not null and (messages.${col(c)} is null or d.${col(c)} > messages.${col(c)}) then d.${col(c)} else messages.${col(c)} end`),
    ];
    writes.push(sql`update messages set ${sql.join(set)} from ${d} as d where messages.id = d.id`);
  }

  const links = new Map<string, { message_id: number; link_id: number; campaign_id: number; clicks: number; human_clicks: number; first_click_at: number; last_click_at: number }>();
  for (const e of events) {
    if (e.type !== 'click' || e.message_id === null || e.link_id === null) continue;
    const key = `${e.message_id}:${e.link_id}`;
    const row = links.get(key);
    if (!row) {
      links.set(key, { message_id: e.message_id, link_id: e.link_id, campaign_id: e.campaign_id, clicks: 1, human_clicks: e.human, first_click_at: e.at, last_click_at: e.at });
    } else {
      row.clicks++;
      row.human_clicks += e.human;
      row.first_click_at = Math.min(row.first_click_at, e.at);
      row.last_click_at = Math.max(row.last_click_at, e.at);
    }
  }
  if (links.size) {
    const rows = [...links.values()].sort((a, b) => a.message_id - b.message_id || a.link_id - b.link_id);
    const columns = Object.keys(LINK_COLUMNS);
    // "where true" tells SQLite that ON CONFLICT belongs to the INSERT, not to a join.
    writes.push(sql`insert into message_links (${sql.join(columns.map((c) => sql.ref(c)))})
      select ${sql.join(columns.map((c) => sql.ref(`d.${c}`)))} from ${dialect.jsonRows(rows, LINK_COLUMNS)} as d where true
      on conflict (message_id, link_id) do update set
        clicks = message_links.clicks + excluded.clicks,
        human_clicks = message_links.human_clicks + excluded.human_clicks,
        first_click_at = case when excluded.first_click_at < message_links.first_click_at then excluded.first_click_at else message_links.first_click_at end,
        last_click_at = case when excluded.last_click_at > message_links.last_click_at then excluded.last_click_at else message_links.last_click_at end`);
  }
  return writes;
}

const LINK_COLUMNS = {
  message_id: 'bigint',
  link_id: 'bigint',
  campaign_id: 'bigint',
  clicks: 'integer',
  human_clicks: 'integer',
  first_click_at: 'bigint',
  last_click_at: 'bigint',
} as const;

export type CounterScope = { campaignId: number } | { messageIds: readonly number[] };

/** Events read per page when counters are folded again. */
const REFOLD_PAGE = 20_000;

/**
 * Folds a scope's counters again from the start of the log: zeroed, then its
 * open and click events up to `upTo` (the folded ones) added page by page with
 * the folder's own writes (counterWrites). Answers how many events were read.
 */
export async function refoldCounters(db: Db, dialect: Dialect, scope: CounterScope, upTo: number): Promise<number> {
  const byMessages = 'messageIds' in scope;
  if (byMessages && scope.messageIds.length === 0) return 0;
  const inScope = byMessages ? dialect.oneOf(sql.ref('message_id'), scope.messageIds, 'bigint') : sql<SqlBool>`campaign_id = ${scope.campaignId}`;
  await db
    .updateTable('messages')
    .set({
      opens: 0, human_opens: 0, clicks: 0, human_clicks: 0,
      first_open_at: null, last_open_at: null, first_human_open_at: null, last_human_open_at: null,
      first_click_at: null, last_click_at: null, first_human_click_at: null, last_human_click_at: null,
    })
    .where(byMessages ? dialect.oneOf(sql.ref('id'), scope.messageIds, 'bigint') : sql<SqlBool>`campaign_id = ${scope.campaignId}`)
    .execute();
  await db.deleteFrom('message_links').where(inScope).execute();

  let read = 0;
  for (let after = 0; ; ) {
    const page = await db
      .selectFrom('events')
      .select(['id', 'campaign_id', 'message_id', 'link_id', 'type', 'human', 'at'])
      .where(inScope)
      .where('type', 'in', ['open', 'click'])
      .where('message_id', 'is not', null)
      .where('id', '>', after)
      .where('id', '<=', upTo)
      .orderBy('id')
      .limit(REFOLD_PAGE)
      .execute();
    for (const write of counterWrites(dialect, page as CountedEvent[])) await write.execute(db);
    read += page.length;
    if (page.length < REFOLD_PAGE) return read;
    after = page[page.length - 1]!.id;
  }
}

/**
 * `ricochet rebuild-stats <campaignId>`: the folder run from the start of the log
 * for one campaign — its counters zeroed and every folded event of it applied
 * again — in one transaction holding the folder (events after its position are
 * left to it), then the relaunch guard's streaks of its recipients.
 */
export async function rebuildStats(ctx: WorkspaceContext, campaignId: number): Promise<{ messages: number; events: number }> {
  const campaign = await ctx.store.db.selectFrom('campaigns').select('id').where('id', '=', campaignId).where('workspace_id', '=', ctx.workspaceId).executeTakeFirst();
  if (!campaign) throw notFound('Campaign');
  return ctx.store.db.transaction().execute(async (trx) => {
    const position = await ctx.store.dialect.log.claim(trx, true);
    const events = await refoldCounters(trx, ctx.store.dialect, { campaignId }, position!);
    await sql`update contacts set ignored_streak = ${sql.raw(streakOf('contacts.id'))} where id in (select contact_id from messages where campaign_id = ${campaignId})`.execute(trx);
    const messages = await trx
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('campaign_id', '=', campaignId)
      .executeTakeFirstOrThrow();
    return { messages: Number(messages.n), events };
  });
}
