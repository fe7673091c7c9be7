import { randomUUID } from 'node:crypto';
import { sql, type SqlBool } from 'kysely';
import { isTransientDatabaseError } from '../db/connection.js';
import type { AppContext } from '../context.js';
import type { Dialect } from '../db/dialect.js';
import { labelRequest, repeatDetector } from './classify.js';
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
 * Group commit into the event log: hits wait in memory while the previous batch
 * commits, then go together in one atomic write of their events (and the batch's
 * key). Each caller is answered only after its batch committed, so nothing
 * acknowledged can be lost, and the number of commits stays small under load.
 * Nothing else is written on the request path: counters, link rows and the
 * labels that need a message's history are the folder's (fold.ts), which
 * `committed` wakes. One batch at a time: a commit's cost is mostly per batch,
 * so fewer, larger batches go further than parallel ones (docs/performance.md).
 */
export function startIngestion(ctx: AppContext, committed: () => void = () => {}): Ingestion {
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
        const hits = batch.map((p) => p.hit);
        const key = randomUUID();
        let attempt = 0;
        const outcomes = await withRetries(() => recordBatch(ctx, links, hits, key, attempt++ > 0));
        batch.forEach((p, i) => p.resolve(outcomes[i]!));
        committed();
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
      // Answers wait for the commit, so a write whose commit was lost with its connection is tried again (its batch key keeps it from counting twice).
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

/** Writes the batch's events under `key`; a retry first looks for the key, in case the previous attempt committed but its answer was lost. */
export async function recordBatch(ctx: AppContext, links: LinkCache, hits: Received[], key: string, retry: boolean): Promise<Outcome[]> {
  const { db, dialect } = ctx.store;
  const messageIds = unique(hits.filter((h) => !h.anonymous).map((h) => h.subjectId));
  const messages = new Map(
    (messageIds.length
      ? await db
          .selectFrom('messages')
          .leftJoin('contacts', 'contacts.id', 'messages.contact_id')
          .select(['messages.id', 'messages.campaign_id', 'messages.sent_at', 'messages.delivered_at', 'contacts.erased_at'])
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
    // The rules one request decides alone; those that need the message's other clicks are the folder's.
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
    events.push({
      campaign_id: campaignId,
      message_id: message?.id ?? null,
      link_id: link?.id ?? null,
      type: hit.type,
      human: label.human ? 1 : 0,
      reason: label.reason,
      user_agent: erased ? null : hit.userAgent?.slice(0, 1000) || null,
      ip: erased ? null : hit.ip,
      at: hit.at,
    });
    outcomes.push({ recorded: true, target: link?.target ?? null });
  }
  if (!events.length) return outcomes;

  if (retry && (await db.selectFrom('tracking_batches').select('key').where('key', '=', key).executeTakeFirst())) return outcomes;
  const columns = Object.keys(EVENT_COLUMNS);
  await dialect.writeAtomically(db, [
    sql`insert into tracking_batches (key, at) values (${key}, ${Date.now()})`,
    sql`insert into events (${sql.join(columns.map((c) => sql.ref(c)))})
      select ${sql.join(columns.map((c) => sql.ref(`e.${c}`)))} from ${dialect.jsonRows(events, EVENT_COLUMNS)} as e where ${dialect.log.appendInOrder}`,
  ]);
  return outcomes;
}
