import { sql, type SqlBool } from 'kysely';
import { isTransientDatabaseError } from '../db/connection.js';
import type { Dialect } from '../db/dialect.js';
import type { AppContext } from '../context.js';
import { HONEYPOT_BURST_MS, labelBurst, labelRequest, repeatDetector, type Click } from './classify.js';
import { counterWrites, recomputeCounters } from './counters.js';
import { linkCache, type LinkCache, type TrackedLink } from './links.js';

/** One open or click as a tracked request brings it, before it is matched to its message. */
export interface Hit {
  type: 'open' | 'click';
  /** True when subjectId is a campaign (contacts without tracking consent): counted per campaign only. */
  anonymous: boolean;
  subjectId: number;
  /** Clicks: the link's position in its campaign (tokens) or its id (SMS short links). */
  link?: { position: number } | { id: number };
  head: boolean;
  userAgent: string | null;
  /** Already truncated as configured. */
  ip: string | null;
  at: number;
}

/** A hit as received: `repeat` is decided on arrival, so a batch written again after a failure keeps its labels. */
type Received = Hit & { repeat: boolean };

/** recorded: the event is committed; target: where a click goes. */
export interface Outcome {
  recorded: boolean;
  target: string | null;
}

export interface Ingestion {
  /** Resolves once the hit's event is committed (or known to name nothing). */
  record(hit: Hit): Promise<Outcome>;
  /** Waits until every hit received so far is committed. */
  close(): Promise<void>;
}

const MAX_BATCH = 1000;
const ATTEMPTS = 3;
/** A restart or failover of the database takes seconds: a batch that lost its connection is retried this long before its requests get 503. */
const RECONNECT_MS = 5_000;

/**
 * Group commit: hits wait in memory while the previous batch commits, then go
 * together in one atomic write (events, message counters, message_links). Each
 * caller is answered only after its batch committed, so nothing acknowledged can
 * be lost, and the number of commits stays small under load. One batch at a
 * time: a commit's cost is mostly per batch, so fewer, larger batches go further
 * than parallel ones (measured in docs/performance.md), and a message's hits are
 * handled in order, so the burst rules see every committed click of this process.
 */
export function startIngestion(ctx: AppContext): Ingestion {
  const links = linkCache(ctx.store);
  const repeats = repeatDetector();
  const queue: Array<{ hit: Received; resolve(o: Outcome): void; reject(e: unknown): void }> = [];
  let flushing: Promise<void> | undefined;

  async function flush() {
    // Requests that arrived in the same turn of the event loop join the first batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (queue.length) {
      const batch = queue.splice(0, MAX_BATCH);
      try {
        const outcomes = await withRetries(() => writeBatch(ctx, links, batch.map((p) => p.hit)));
        batch.forEach((p, i) => p.resolve(outcomes[i]!));
      } catch (error) {
        batch.forEach((p) => p.reject(error));
      }
    }
    flushing = undefined;
  }

  return {
    record(hit) {
      return new Promise((resolve, reject) => {
        const token = `${hit.type}:${hit.anonymous ? 'campaign' : 'message'}:${hit.subjectId}:${JSON.stringify(hit.link ?? null)}`;
        queue.push({ hit: { ...hit, repeat: repeats.seen(`${token}:${hit.ip}`, hit.at) }, resolve, reject });
        flushing ??= flush();
      });
    },
    async close() {
      while (flushing) await flushing;
    },
  };
}

async function withRetries<T>(write: () => Promise<T>): Promise<T> {
  const reconnectUntil = Date.now() + RECONNECT_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      // A database that went away is waited for (briefly, with its callers); anything else repeats a little and is reported.
      // Answers wait for the commit, so a write whose commit was lost with its connection is written again: a click may
      // then be counted twice, never lost.
      const transient = isTransientDatabaseError(error);
      if (transient ? Date.now() >= reconnectUntil : attempt >= ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, transient ? Math.min(100 * attempt, 500) : 20 * attempt));
    }
  }
}

const NOTHING: Outcome = { recorded: false, target: null };
const unique = (values: number[]) => [...new Set(values)];

const EVENT_COLUMNS = {
  campaign_id: 'bigint',
  message_id: 'bigint',
  link_id: 'bigint',
  type: 'text',
  human: 'integer',
  reason: 'text',
  user_agent: 'text',
  ip: 'text',
  at: 'bigint',
} as const;

const idRows = (dialect: Dialect, ids: number[]) => dialect.jsonRows(ids.map((id) => ({ id })), { id: 'bigint' });

interface NewEvent {
  campaign_id: number;
  message_id: number | null;
  link_id: number | null;
  type: 'open' | 'click';
  human: number;
  reason: string;
  user_agent: string | null;
  ip: string | null;
  at: number;
}

async function writeBatch(ctx: AppContext, links: LinkCache, hits: Received[]): Promise<Outcome[]> {
  const { db, dialect } = ctx.store;
  const messageIds = unique(hits.filter((h) => !h.anonymous).map((h) => h.subjectId));
  const messages = new Map(
    (messageIds.length
      ? await db
          .selectFrom('messages')
          .leftJoin('contacts', 'contacts.id', 'messages.contact_id')
          .select(['messages.id', 'messages.campaign_id', 'messages.sent_at', 'messages.delivered_at', 'messages.last_click_at', 'contacts.erased_at'])
          .where(sql<SqlBool>`messages.id in (select id from ${idRows(dialect, messageIds)} as ids)`)
          .execute()
      : []
    ).map((m) => [m.id, m]),
  );
  const campaignIds = unique(hits.filter((h) => h.anonymous).map((h) => h.subjectId));
  const campaigns = new Set(
    campaignIds.length ? (await db.selectFrom('campaigns').select('id').where('id', 'in', campaignIds).execute()).map((c) => c.id) : [],
  );

  const outcomes: Outcome[] = [];
  const events: NewEvent[] = [];
  const clicks: Array<{ event: NewEvent; click: Click }> = [];
  for (const hit of hits) {
    const message = hit.anonymous ? undefined : messages.get(hit.subjectId);
    const campaignId = hit.anonymous ? (campaigns.has(hit.subjectId) ? hit.subjectId : undefined) : message?.campaign_id;
    if (campaignId === undefined) {
      outcomes.push(NOTHING);
      continue;
    }
    let link: TrackedLink | undefined;
    if (hit.type === 'click') {
      link = !hit.link ? undefined : 'position' in hit.link ? await links.byPosition(campaignId, hit.link.position) : await links.byId(campaignId, hit.link.id);
      if (!link?.target) {
        outcomes.push(NOTHING);
        continue;
      }
    }
    const deliveredAt = message ? (message.delivered_at ?? message.sent_at) : null;
    const label = labelRequest({
      type: hit.type,
      head: hit.head,
      userAgent: hit.userAgent,
      honeypot: link?.honeypot ?? false,
      sinceDelivery: deliveredAt === null ? null : hit.at - deliveredAt,
      repeat: hit.repeat,
    });
    // An erased contact's later events keep no user agent or address.
    const erased = message?.erased_at != null;
    const event: NewEvent = {
      campaign_id: campaignId,
      message_id: message?.id ?? null,
      link_id: link?.id ?? null,
      type: hit.type,
      human: label.human ? 1 : 0,
      reason: label.reason,
      user_agent: erased ? null : hit.userAgent?.slice(0, 1000) || null,
      ip: erased ? null : hit.ip,
      at: hit.at,
    };
    events.push(event);
    if (link && message) clicks.push({ event, click: { linkId: link.id, at: hit.at, honeypot: link.honeypot, label } });
    outcomes.push({ recorded: true, target: link?.target ?? null });
  }
  if (!events.length) return outcomes;

  // Only messages clicked lately can have committed clicks in the same burst; batches are written one
  // at a time, so this process's committed clicks are all visible here without a transaction.
  const since = Math.min(...hits.map((h) => h.at)) - HONEYPOT_BURST_MS;
  const recentlyClicked = unique(clicks.map((c) => messages.get(c.event.message_id!)!).filter((m) => m.last_click_at !== null && m.last_click_at > since).map((m) => m.id));
  const relabel = labelBursts(clicks, recentlyClicked.length ? await recentClicks(ctx, recentlyClicked, since) : []);

  const columns = Object.keys(EVENT_COLUMNS);
  const insertEvents = sql`insert into events (${sql.join(columns.map((c) => sql.ref(c)))})
    select ${sql.join(columns.map((c) => sql.ref(`e.${c}`)))} from ${dialect.jsonRows(events, EVENT_COLUMNS)} as e`;
  if (!relabel.messages.size) {
    await dialect.writeAtomically(db, [insertEvents, ...counterWrites(dialect, events)]);
    return outcomes;
  }
  // Committed clicks turned out to be part of a scanner's burst: relabel them and recount their messages.
  await db.transaction().execute(async (trx) => {
    await insertEvents.execute(trx);
    for (const write of counterWrites(dialect, events.filter((e) => e.message_id === null || !relabel.messages.has(e.message_id)))) await write.execute(trx);
    for (const [reason, ids] of relabel.byReason) await trx.updateTable('events').set({ human: 0, reason }).where('id', 'in', ids).execute();
    await recomputeCounters(trx, { messageIds: [...relabel.messages] });
  });
  return outcomes;
}

/** The committed clicks of these messages since `since`, with whether they hit the honeypot. */
function recentClicks(ctx: AppContext, messageIds: number[], since: number) {
  return ctx.store.db
    .selectFrom('events')
    .leftJoin('links', 'links.id', 'events.link_id')
    .select(['events.id', 'events.message_id', 'events.link_id', 'events.at', 'events.human', 'events.reason', 'links.kind'])
    .where('events.type', '=', 'click')
    .where(sql<SqlBool>`events.message_id in (select id from ${idRows(ctx.store.dialect, messageIds)} as ids)`)
    .where('events.at', '>', since)
    .execute();
}

/**
 * Applies the burst rules to the batch's clicks against each message's recent
 * clicks (committed and in this batch); the batch's labels are updated in place.
 * Returns the committed events to relabel, by reason, and their messages.
 */
function labelBursts(clicks: Array<{ event: NewEvent; click: Click }>, recent: Awaited<ReturnType<typeof recentClicks>>) {
  const history = new Map<number, Click[]>();
  const stored = new Map<Click, { id: number; messageId: number }>();
  for (const row of recent) {
    const click: Click = { linkId: row.link_id!, at: row.at, honeypot: row.kind === 'honeypot', label: { human: row.human === 1, reason: row.reason ?? '' } };
    stored.set(click, { id: row.id, messageId: row.message_id! });
    history.set(row.message_id!, [...(history.get(row.message_id!) ?? []), click]);
  }

  const byReason = new Map<string, number[]>();
  const messages = new Set<number>();
  for (const { event, click } of clicks) {
    const others = history.get(event.message_id!) ?? [];
    for (const other of labelBurst(click, others)) {
      const row = stored.get(other);
      if (!row) continue; // a click of this batch: its event is written with its final label
      byReason.set(other.label.reason, [...(byReason.get(other.label.reason) ?? []), row.id]);
      messages.add(row.messageId);
    }
    others.push(click);
    history.set(event.message_id!, others);
  }
  for (const { event, click } of clicks) {
    event.human = click.label.human ? 1 : 0;
    event.reason = click.label.reason;
  }
  return { byReason, messages };
}
