import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privatePostgresUnavailable, startPrivatePostgres, type PrivatePostgres } from '../../test/support/privatePostgres.js';
import { startServerProcess } from '../../test/support/serverProcess.js';
import { createApiKey } from '../auth/apiKeys.js';
import { loadConfig } from '../config.js';
import { openStore, type Store } from '../db/connection.js';
import { migrate } from '../db/migrate.js';
import { inWorkspace, Jobs, type WorkspaceContext } from '../context.js';
import { countersFromEvents, createScenario, storedCounters, type Scenario } from '../../test/support/trackingScenario.js';

const SECRET = 'outage-secret-outage-secret-0123456789';
const CLICKS = 3000;
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0';

const skipped = privatePostgresUnavailable();
const describeOutage = skipped ? describe.skip : describe;

describeOutage(`a click load while PostgreSQL is stopped and started again [postgres]${skipped ? ` — skipped: ${skipped}` : ''}`, () => {
  let postgres: PrivatePostgres;
  let store: Store;
  let ctx: WorkspaceContext;
  let s: Scenario;
  let env: Record<string, string>;
  let dataDir: string;
  let apiKey: string;

  beforeAll(async () => {
    // A server of its own: stopping the shared one would break the suites running on it meanwhile.
    postgres = await startPrivatePostgres();
    dataDir = mkdtempSync(join(tmpdir(), 'ricochet-outage-'));
    env = { DATABASE_URL: await postgres.createDatabase('clicks'), DATA_DIR: dataDir, SECRET };
    const config = loadConfig({ ...env, LOG_LEVEL: 'silent' });
    store = openStore(config.databaseUrl);
    await migrate(store);
    ctx = inWorkspace({ store, config, now: Date.now, secret: Buffer.from(SECRET), jobs: new Jobs() }, 1);
    s = await createScenario(ctx, { recipients: CLICKS, links: ['https://shop.example/sale'] });
    ({ key: apiKey } = await createApiKey(store, 'outage'));
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await postgres?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the process up, answers 503 meanwhile, and records every click it redirected', async () => {
    const server = await startServerProcess(['serve', '--no-worker'], env);
    try {
      const acknowledged: number[] = [];
      const refused: number[] = [];
      let unanswered = 0;
      let acknowledgedAfterOutage = 0;
      let outage: Promise<void> | undefined;
      let outageOver = false;
      let apiDuringOutage: { status: number; retryAfter: string | null; body: unknown } | undefined;
      let next = 0;
      await Promise.all(
        Array.from({ length: 40 }, async () => {
          while (next < CLICKS) {
            const index = next++;
            try {
              const response = await fetch(`${server.baseUrl}/t/c/${s.token(index, 'click', 1)}`, { redirect: 'manual', headers: { 'user-agent': BROWSER } });
              if (response.status === 302) {
                acknowledged.push(s.messages[index]!.id);
                if (outageOver) acknowledgedAfterOutage++;
              } else {
                refused.push(response.status);
              }
            } catch {
              unanswered++;
            }
            if (acknowledged.length >= 600 && !outage) {
              // The database goes away in the middle of the load, for as long as it takes /healthz to notice and a second more.
              outage = (async () => {
                await postgres.stop();
                await server.healthBecomes(503);
                const api = await fetch(`${server.baseUrl}/api/lists`, { headers: { authorization: `Bearer ${apiKey}` } });
                apiDuringOutage = { status: api.status, retryAfter: api.headers.get('retry-after'), body: await api.json() };
                await new Promise((r) => setTimeout(r, 1_000));
                await postgres.start();
                await server.healthBecomes(200);
                outageOver = true;
              })();
              outage.catch(() => {}); // awaited below, once the load is over
            }
          }
        }),
      );
      await outage;
      // The folder lived through it too: every event recorded is folded, once, into the counters.
      let health: { tracking?: { behind: number } } = {};
      for (let i = 0; i < 600 && health.tracking?.behind !== 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        health = await (await fetch(`${server.baseUrl}/healthz`)).json();
      }
      expect(health).toMatchObject({ ok: true, tracking: { behind: 0, lagMs: 0 } });
      const exitBeforeStop = server.exit;
      const exitOnStop = await server.stop();

      // The process lived through it and answered every request: a redirect, or 503 "try again" for a click it could not record.
      expect(exitBeforeStop, `the process ended by itself: ${server.stderr}`).toBeUndefined();
      expect(exitOnStop).toEqual({ code: 0, signal: null });
      expect(unanswered).toBe(0);
      expect(server.health.refused).toBe(0);
      expect(refused.filter((status) => status !== 503)).toEqual([]);
      expect(acknowledged.length + refused.length).toBe(CLICKS);
      // /healthz said the database was away, then that it was back.
      expect(server.health.answers.filter((a) => a.status === 503).at(0)?.body).toEqual({ ok: false, database: 'unavailable' });
      expect(server.health.answers.at(-1)).toMatchObject({ status: 200, body: { ok: true, database: 'available' } });
      // The API said so too, with a code a client can act on, rather than a 500.
      expect(apiDuringOutage).toMatchObject({ status: 503, retryAfter: '5', body: { error: { code: 'database_unavailable' } } });
      // Clicks were redirected again once the database was back, and every redirected click is in the events table.
      expect(acknowledgedAfterOutage).toBeGreaterThan(0);
      const recorded = new Set(
        (await store.db.selectFrom('events').select('message_id').where('campaign_id', '=', s.campaignId).where('type', '=', 'click').execute()).map((e) => e.message_id),
      );
      expect(acknowledged.filter((id) => !recorded.has(id))).toEqual([]);
      expect(await storedCounters(ctx, s.campaignId)).toEqual(await countersFromEvents(ctx, s.campaignId));
    } finally {
      if (!server.exit) server.child.kill('SIGKILL');
    }
  }, 300_000);
});
