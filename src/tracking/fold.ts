import { setImmediate } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import type { AppContext } from '../context.js';
import type { Database } from '../db/schema.js';
import { isTransientDatabaseError } from '../db/connection.js';
import { HONEYPOT_BURST_MS, labelBurst, type Click } from './classify.js';
import { counterWrites, refoldCounters, type CountedEvent } from './counters.js';

/**
 * The folder: tracking requests only append events to the log (`ingest.ts`); this
 * reads the log in order from its position (`tracking_folder.folded_id`, one per
 * database; appends take ids in commit order, see dialect.log) and applies each
 * batch to what is derived from it — message counters, message_links, and the
 * labels that need a message's history (the burst rules) — in one transaction with
 * the new position, so every event is folded exactly once.
 *
 * Any number of processes run a folder; a fold first takes the position's row
 * (PostgreSQL: FOR UPDATE SKIP LOCKED, so while one process folds the others pass;
 * SQLite: its single writer), which makes the burst rules exact across processes.
 */

type Db = Kysely<Database>;

/**
 * Events read per fold: large enough to coalesce a message's hits and the pages they
 * touch (on SQLite, folds of 500 shuffled clicks wrote 8× the WAL bytes per click of
 * folds of 5,000), small enough to keep a fold's transaction short.
 */
const FOLD_BATCH = 5_000;
/** After a commit, wait this long for more before folding: batches coalesce under load, and counters follow within it. */
const FOLD_DELAY_MS = 20;
/** Events committed by other processes (PostgreSQL) are looked for this often. */
const POLL_MS = 250;
/** Batch keys are kept this long: a batch is retried for seconds at most. */
const BATCH_KEYS_MS = 10 * 60_000;

interface LoggedEvent extends CountedEvent {
  id: number;
  reason: string | null;
}

/**
 * Folds the next batch of the log. Answers how many events were folded, or null
 * when another process holds the folder (`wait` false).
 */
export async function foldNext(ctx: AppContext, options: { wait?: boolean } = {}): Promise<number | null> {
  const { db } = ctx.store;
  return db.transaction().execute(async (trx) => {
    const position = await ctx.store.dialect.log.claim(trx, options.wait ?? false);
    if (position === undefined) return null;
    const events = (await trx
      .selectFrom('events')
      .select(['id', 'campaign_id', 'message_id', 'link_id', 'type', 'human', 'reason', 'at'])
      .where('id', '>', position)
      .where('type', 'in', ['open', 'click'])
      .orderBy('id')
      .limit(FOLD_BATCH)
      .execute()) as LoggedEvent[];
    if (!events.length) return 0;
    const last = events[events.length - 1]!.id;
    await foldEvents(trx, ctx, position, events, last);
    await trx.updateTable('tracking_folder').set({ folded_id: last, folded_at: ctx.now() }).where('name', '=', 'events').execute();
    return events.length;
  });
}

/** Applies one batch: burst labels against the messages' folded clicks, then the counters. */
async function foldEvents(trx: Db, ctx: AppContext, before: number, events: LoggedEvent[], upTo: number) {
  const { dialect } = ctx.store;
  const clicks = events.filter((e) => e.type === 'click' && e.message_id !== null && e.link_id !== null);
  const relabel = clicks.length
    ? labelBursts(clicks, await foldedClicksAround(trx, ctx, before, clicks), await honeypotsOf(trx, clicks))
    : { changed: new Map<number, string>(), messages: new Set<number>() };

  // Labels the bursts changed, on this batch's events and on folded ones, by reason.
  const byReason = new Map<string, number[]>();
  for (const [id, reason] of relabel.changed) {
    const ids = byReason.get(reason);
    if (ids) ids.push(id);
    else byReason.set(reason, [id]);
  }
  for (const [reason, ids] of byReason) await trx.updateTable('events').set({ human: 0, reason }).where('id', 'in', ids).execute();

  for (const write of counterWrites(dialect, events.filter((e) => e.message_id === null || !relabel.messages.has(e.message_id)))) await write.execute(trx);
  // A message whose folded clicks turned out to be a scanner's: its counters again from its events, this batch's included.
  if (relabel.messages.size) await refoldCounters(trx, dialect, { messageIds: [...relabel.messages] }, upTo);
}

/** The folded clicks of the batch's messages within a burst of the batch's clicks. */
function foldedClicksAround(trx: Db, ctx: AppContext, before: number, clicks: LoggedEvent[]) {
  const { dialect } = ctx.store;
  const times = clicks.map((c) => c.at);
  const messageIds = [...new Set(clicks.map((c) => c.message_id!))];
  return trx
    .selectFrom('events')
    .select(['id', 'message_id', 'link_id', 'at', 'human', 'reason'])
    .where('type', '=', 'click')
    .where(dialect.oneOf(sql.ref('message_id'), messageIds, 'bigint'))
    .where('at', '>', Math.min(...times) - HONEYPOT_BURST_MS)
    .where('at', '<', Math.max(...times) + HONEYPOT_BURST_MS)
    .where('id', '<=', before)
    .execute();
}

async function honeypotsOf(trx: Db, clicks: LoggedEvent[]): Promise<Set<number>> {
  const campaigns = [...new Set(clicks.map((c) => c.campaign_id))];
  const rows = await trx.selectFrom('links').select('id').where('kind', '=', 'honeypot').where('campaign_id', 'in', campaigns).execute();
  return new Set(rows.map((r) => r.id));
}

/**
 * The burst rules over the batch's clicks, in log order, each against its
 * message's folded clicks and the batch's earlier ones. The batch's events take
 * their final labels; answers every event whose label changed (folded or not), by
 * id, and the messages of folded events that changed.
 */
function labelBursts(clicks: LoggedEvent[], folded: Awaited<ReturnType<typeof foldedClicksAround>>, honeypots: Set<number>) {
  const toClick = (linkId: number, at: number, human: number, reason: string | null): Click => ({ linkId, at, honeypot: honeypots.has(linkId), label: { human: human === 1, reason: reason ?? '' } });
  const history = new Map<number, Click[]>();
  const historyOf = (messageId: number) => {
    let clicksOf = history.get(messageId);
    if (!clicksOf) history.set(messageId, (clicksOf = []));
    return clicksOf;
  };
  const foldedRows = new Map<Click, { id: number; messageId: number }>();
  for (const row of folded) {
    const click = toClick(row.link_id!, row.at, row.human, row.reason);
    foldedRows.set(click, { id: row.id, messageId: row.message_id! });
    historyOf(row.message_id!).push(click);
  }
  const changed = new Map<number, string>();
  const messages = new Set<number>();
  const batch: Array<[LoggedEvent, Click]> = [];
  for (const event of clicks) {
    const click = toClick(event.link_id!, event.at, event.human, event.reason);
    const others = historyOf(event.message_id!);
    for (const other of labelBurst(click, others)) {
      const row = foldedRows.get(other);
      if (!row) continue; // a click of this batch: its final label is taken below
      changed.set(row.id, other.label.reason);
      messages.add(row.messageId);
    }
    others.push(click);
    batch.push([event, click]);
  }
  // labelBurst updates labels in place: a batch click a later one turned to machine has its final label here.
  for (const [event, click] of batch) {
    if (event.human === 1 && !click.label.human) {
      event.human = 0;
      event.reason = click.label.reason;
      changed.set(event.id, click.label.reason);
    }
  }
  return { changed, messages };
}

/** How far the folder is behind: events committed and not folded yet, and how long the oldest has waited. */
export interface FoldStatus {
  behind: number;
  lagMs: number;
}

export async function foldStatus(ctx: AppContext): Promise<FoldStatus> {
  const { db } = ctx.store;
  const pending = await db
    .selectFrom('events')
    .select((eb) => [eb.fn.countAll<number>().as('behind'), eb.fn.min('at').as('oldest')])
    .where('id', '>', (eb) => eb.selectFrom('tracking_folder').select('folded_id').where('name', '=', 'events'))
    .where('type', 'in', ['open', 'click'])
    .executeTakeFirstOrThrow();
  const behind = Number(pending.behind);
  return { behind, lagMs: behind && pending.oldest !== null ? Math.max(0, ctx.now() - Number(pending.oldest)) : 0 };
}

/** Folds everything committed so far, waiting for a fold another process is running: what tests and the CLI call to read settled counters. */
export async function foldAll(ctx: AppContext): Promise<number> {
  let total = 0;
  for (;;) {
    const folded = (await foldNext(ctx, { wait: true })) ?? 0;
    total += folded;
    if (folded === 0) return total;
  }
}

/** What a failed fold logs: the error's kind, never its detail (a database's detail can quote a row). The log keeps the events; the next fold retries. */
export function foldFailed(log: { warn(o: object, m: string): void; error(o: object, m: string): void }, error: unknown): void {
  const { name, message, code } = error as Error & { code?: string };
  if (isTransientDatabaseError(error)) log.warn({ err: { message } }, 'tracking fold waits for the database');
  else log.error({ err: { name, message, code } }, 'tracking fold failed');
}

export interface Folder {
  /** Events were just committed by this process: fold them soon. */
  kick(): void;
  /** Stops folding (what is committed stays in the log for the next folder). */
  close(): Promise<void>;
}

/** Runs a folder in this process: soon after each commit here, and every POLL_MS for other processes' commits. */
export function startFolder(ctx: AppContext, onError: (error: unknown) => void): Folder {
  let running: Promise<void> | undefined;
  let pending: NodeJS.Timeout | undefined;
  let again = false;
  let closed = false;
  let keysPrunedAt = 0;

  async function foldWhatIsThere() {
    // Between folds, requests waiting on this process's thread go first (SQLite's folds hold it while they run).
    while ((await foldNext(ctx)) === FOLD_BATCH) await setImmediate();
  }
  async function run() {
    try {
      do {
        again = false;
        await foldWhatIsThere();
      } while (again && !closed);
      if (Date.now() - keysPrunedAt > 60_000) {
        keysPrunedAt = Date.now();
        await ctx.store.db.deleteFrom('tracking_batches').where('at', '<', Date.now() - BATCH_KEYS_MS).execute();
      }
    } catch (error) {
      // The log keeps every event: the next fold starts from the same position.
      onError(error);
    } finally {
      running = undefined;
    }
  }
  const kick = () => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    pending ??= setTimeout(() => {
      pending = undefined;
      running = run();
    }, FOLD_DELAY_MS);
  };
  const poll = setInterval(kick, POLL_MS);
  poll.unref();
  return {
    kick,
    async close() {
      closed = true;
      clearInterval(poll);
      clearTimeout(pending);
      await running;
      // What this process committed last is folded before it exits (or by the next folder, if this fails).
      await foldWhatIsThere().catch(onError);
    },
  };
}
