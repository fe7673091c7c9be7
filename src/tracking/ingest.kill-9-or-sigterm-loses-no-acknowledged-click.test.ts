import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ricochetArgs } from '../../test/support/compiled.js';
import { freshDatabase } from '../../test/support/databases.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { loadConfig } from '../config.js';
import { openStore, type Store } from '../db/connection.js';
import { migrate } from '../db/migrate.js';
import { inWorkspace, Jobs } from '../context.js';
import { createScenario, type Scenario } from '../../test/support/trackingScenario.js';
import { freePort } from '../../test/support/ports.js';

const SECRET = 'kill-nine-secret-kill-nine-secret-0123456789';
const CLICKS = 4000;

describeEachDatabase('kill -9 of the server during a click load', (kind) => {
  let store: Store;
  let s: Scenario;
  let drop: () => Promise<void>;
  let env: Record<string, string>;
  let dataDir: string;

  beforeAll(async () => {
    const database = await freshDatabase(kind);
    drop = database.drop;
    dataDir = mkdtempSync(join(tmpdir(), 'ricochet-kill-'));
    env = { DATABASE_URL: database.url, DATA_DIR: dataDir, SECRET, LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: String(await freePort()) };
    const config = loadConfig(env);
    store = openStore(config.databaseUrl);
    await migrate(store);
    const ctx = inWorkspace({ store, config, now: Date.now, secret: Buffer.from(SECRET), jobs: new Jobs() }, 1);
    s = await createScenario(ctx, { recipients: CLICKS, links: ['https://shop.example/sale'] });
  });
  afterAll(async () => {
    await store.close();
    await drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A real `ricochet serve` process, a click load on it, and `signal` sent once 600 clicks were answered. */
  async function clickLoadInterruptedBy(signal: NodeJS.Signals) {
    // One process (the compiled server run by node, no wrapper), so that the signal hits the server itself.
    const server = spawn(process.execPath, ricochetArgs('serve', '--no-worker'), { env: { ...process.env, ...env }, stdio: 'ignore' });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => server.on('exit', (code, signal) => resolve({ code, signal })));
    const baseUrl = `http://127.0.0.1:${env.PORT}`;
    for (let i = 0; ; i++) {
      if (await fetch(`${baseUrl}/healthz`).then((r) => r.ok, () => false)) break;
      if (i > 600) {
        server.kill('SIGKILL'); // not left running on the test's port
        throw new Error('the server did not start');
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const acknowledged: number[] = [];
    let unanswered = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: 40 }, async () => {
        while (next < CLICKS) {
          const index = next++;
          try {
            const response = await fetch(`${baseUrl}/t/c/${s.token(index, 'click', 1)}`, { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0' } });
            if (response.status === 302) acknowledged.push(s.messages[index]!.id);
            else unanswered++;
          } catch {
            unanswered++;
          }
          if (acknowledged.length === 600) server.kill(signal);
        }
      }),
    );
    const recorded = new Set(
      (await store.db.selectFrom('events').select('message_id').where('campaign_id', '=', s.campaignId).where('type', '=', 'click').execute()).map((e) => e.message_id),
    );
    await store.db.deleteFrom('events').execute();
    return { exit: await exited, acknowledged, unanswered, recorded };
  }

  it('finds in the events table every click that received its 302 after a kill -9', async () => {
    const { exit, acknowledged, unanswered, recorded } = await clickLoadInterruptedBy('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    // The kill came in the middle of the load: some clicks were answered, others never were.
    expect(acknowledged.length).toBeGreaterThanOrEqual(600);
    expect(unanswered).toBeGreaterThan(0);
    expect(acknowledged.filter((id) => !recorded.has(id))).toEqual([]);
  });

  it('commits every click in flight on SIGTERM, then exits cleanly', async () => {
    const { exit, acknowledged, unanswered, recorded } = await clickLoadInterruptedBy('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(unanswered).toBeGreaterThan(0);
    expect(acknowledged.filter((id) => !recorded.has(id))).toEqual([]);
    expect(recorded.size).toBeGreaterThanOrEqual(acknowledged.length);
  });
});
