import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { openStore, type Store } from '../db/connection.js';
import { inWorkspace, Jobs } from '../context.js';
import type { Api } from '../http/api.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase, describeOnPostgres } from '../../test/support/databases.js';
import { countersFromEvents, createScenario, storedCounters } from '../../test/support/trackingScenario.js';
import { foldStatus } from './fold.js';
import { recordBatch } from './ingest.js';
import { linkCache } from './links.js';

const BROWSER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';

/** A second Ricochet server on the same database, as another `serve` process would be, with its own folder. */
async function secondServer(t: TestApp): Promise<{ app: Api; baseUrl: string; store: Store }> {
  const store = openStore(t.ctx.config.databaseUrl);
  const app = await buildApp(inWorkspace({ store, config: t.ctx.config, now: () => t.clock.now, secret: t.ctx.secret, jobs: new Jobs() }, 1), { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return { app, store, baseUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

const click = (baseUrl: string, token: string) => fetch(`${baseUrl}/t/c/${token}`, { redirect: 'manual', headers: { 'user-agent': BROWSER } }).then((r) => r.status);

describeEachDatabase('the tracking folder', (kind) => {
  let t: TestApp;
  let other: Awaited<ReturnType<typeof secondServer>>;
  beforeAll(async () => {
    t = await startTestApp(kind);
    t.clock.now = Date.UTC(2026, 8, 1, 12, 0, 0);
    other = await secondServer(t);
  });
  afterAll(async () => {
    await other?.app.close();
    await other?.store.close();
    await t?.close();
  });

  it('labels a scanner whose clicks reach two servers, and folds every event once while both fold', async () => {
    const s = await createScenario(t.ctx, { recipients: 40, links: ['https://shop.example/a', 'https://shop.example/b', 'https://shop.example/c'] });
    // Recipients 0–19: a scanner follows all three links within the same second, its clicks alternating between the servers.
    // Recipients 20–39: a person clicks one link, on either server.
    const statuses = await Promise.all([
      ...s.messages.slice(0, 20).flatMap((_, i) => [1, 2, 3].map((position) => click(position % 2 ? t.baseUrl : other.baseUrl, s.token(i, 'click', position)))),
      ...s.messages.slice(20).map((_, i) => click(i % 2 ? t.baseUrl : other.baseUrl, s.token(20 + i, 'click', 1 + (i % 3)))),
    ]);
    expect(statuses.every((status) => status === 302)).toBe(true);

    const stored = await storedCounters(t.ctx, s.campaignId);
    expect(stored).toEqual(await countersFromEvents(t.ctx, s.campaignId));
    const byMessage = s.messages.map((m) => stored.messages[m.id]!);
    expect(byMessage.slice(0, 20).map((m) => [m.clicks, m.human_clicks])).toEqual(Array(20).fill([3, 0]));
    expect(byMessage.slice(20).map((m) => [m.clicks, m.human_clicks])).toEqual(Array(20).fill([1, 1]));
    const reasons = await t.ctx.store.db.selectFrom('events').select('reason').distinct().where('campaign_id', '=', s.campaignId).orderBy('reason').execute();
    expect(reasons.map((r) => r.reason)).toEqual(['browser', 'links-clicked-same-second']);
  });

  it('says how far it is behind, and counters only grow while clicks keep coming', async () => {
    const s = await createScenario(t.ctx, { recipients: 300, links: ['https://shop.example/a'] });
    const totals: number[] = [];
    for (let round = 0; round < 5; round++) {
      t.clock.advance(60_000);
      await Promise.all(s.messages.slice(round * 60, round * 60 + 60).map((_, i) => click(round % 2 ? t.baseUrl : other.baseUrl, s.token(round * 60 + i, 'click', 1))));
      totals.push((await t.api('GET', `/api/campaigns/${s.campaignId}/stats`)).body.clicks.total);
    }
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
    const health = await (await fetch(`${t.baseUrl}/healthz`)).json();
    expect(health.tracking).toEqual({ behind: expect.any(Number), lagMs: expect.any(Number) });
    await t.folded();
    expect(await foldStatus(t.ctx)).toEqual({ behind: 0, lagMs: 0 });
    expect((await t.api('GET', `/api/campaigns/${s.campaignId}/stats`)).body.clicks).toMatchObject({ total: 300, unique: 300 });
  });

  it('writes a batch once when it is written again under its key, as after an acknowledgement lost with the connection', async () => {
    const s = await createScenario(t.ctx, { recipients: 3, links: ['https://shop.example/a'] });
    const hits = s.messages.map((m) => ({ type: 'click' as const, anonymous: false, subjectId: m.id, link: { position: 1 }, head: false, userAgent: BROWSER, ip: '203.0.113.0', at: t.clock.now, repeat: false }));
    const links = linkCache(t.ctx.store);
    const first = await recordBatch(t.ctx, links, hits, 'batch-key-1', false);
    // Written again without looking for the key, the batch's key refuses it, whole.
    await expect(recordBatch(t.ctx, links, hits, 'batch-key-1', false)).rejects.toThrow();
    // A retry finds the key: the same answers, nothing written.
    expect(await recordBatch(t.ctx, links, hits, 'batch-key-1', true)).toEqual(first);
    expect(first.every((o) => o.recorded && o.target === 'https://shop.example/a')).toBe(true);
    const events = await t.ctx.store.db.selectFrom('events').select('message_id').where('campaign_id', '=', s.campaignId).execute();
    expect(events).toHaveLength(3);
    expect((await storedCounters(t.ctx, s.campaignId)).links).toEqual((await countersFromEvents(t.ctx, s.campaignId)).links);
  });
});

describeOnPostgres('appends to the event log from several processes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('postgres');
  });
  afterAll(() => t?.close());

  it('take ids in commit order: a click waits for an append still open, and the folder passes neither', async () => {
    const s = await createScenario(t.ctx, { recipients: 2, links: ['https://shop.example/a'] });
    const slow = openStore(t.ctx.config.databaseUrl);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    try {
      let appended!: () => void;
      const eventAppended = new Promise<void>((resolve) => (appended = resolve));
      // Another process appends an event as ingestion does, then stays in its transaction.
      const transaction = slow.db.transaction().execute(async (trx) => {
        await sql`insert into events (campaign_id, message_id, link_id, type, human, reason, at)
          select ${s.campaignId}, ${s.messages[0]!.id}, ${s.links[0]!.id}, 'click', 1, 'browser', ${t.clock.now} where ${slow.dialect.log.appendInOrder}`.execute(trx);
        appended();
        await held;
      });
      await eventAppended;
      let answered = false;
      const clicked = click(t.baseUrl, s.token(1, 'click', 1)).then((status) => ((answered = true), status));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(answered).toBe(false);

      release();
      await transaction;
      expect(await clicked).toBe(302);
      const [first, second] = await t.ctx.store.db.selectFrom('events').select(['id', 'message_id']).where('campaign_id', '=', s.campaignId).orderBy('id').execute();
      expect([first!.message_id, second!.message_id]).toEqual([s.messages[0]!.id, s.messages[1]!.id]);
      const counters = await storedCounters(t.ctx, s.campaignId);
      expect(counters).toEqual(await countersFromEvents(t.ctx, s.campaignId));
      expect(s.messages.map((m) => counters.messages[m.id]!.clicks)).toEqual([1, 1]);
    } finally {
      release();
      await slow.close();
    }
  });
});
