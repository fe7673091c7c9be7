import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privatePostgresUnavailable, startPrivatePostgres, type PrivatePostgres } from '../../test/support/privatePostgres.js';
import { startServerProcess, type ServerProcess } from '../../test/support/serverProcess.js';
import { createApiKey } from '../auth/apiKeys.js';
import { firstWorkspaceId } from '../auth/members.js';
import { openStore, type Store } from '../db/connection.js';
import { migrate } from '../db/migrate.js';
import { startSmtpSink, type SmtpSink } from '../../test/support/smtpSink.js';

const RECIPIENTS = 3000;
const BATCH_SIZE = 250;

/** Calls the server's API; a failure to answer (the database is away) is an answer of 0. */
async function api(server: ServerProcess, key: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  try {
    const response = await fetch(server.baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json().catch(() => undefined) };
  } catch {
    return { status: 0, body: undefined };
  }
}

const skipped = privatePostgresUnavailable();
const describeRestart = skipped ? describe.skip : describe;

describeRestart(`sending while PostgreSQL restarts [postgres]${skipped ? ` — skipped: ${skipped}` : ''}`, () => {
  let postgres: PrivatePostgres;
  beforeAll(async () => {
    // A server of its own: restarting the shared one would break the suites running on it meanwhile.
    postgres = await startPrivatePostgres();
  }, 120_000);
  afterAll(async () => {
    await postgres?.destroy();
  });

  /** A campaign to RECIPIENTS contacts sent by a real process, with `interrupt` run once a fifth of it went out. */
  async function sendThrough(database: string, interrupt: () => Promise<void>) {
    const databaseUrl = await postgres.createDatabase(database);
    const dataDir = mkdtempSync(join(tmpdir(), 'ricochet-restart-'));
    const store: Store = openStore(databaseUrl);
    const sink: SmtpSink = await startSmtpSink({ delayMs: 5, keep: false });
    let server: ServerProcess | undefined;
    try {
      await migrate(store);
      const { key } = await createApiKey(store, 'test');
      const now = Date.now();
      const workspace_id = await firstWorkspaceId(store);
      const list = await store.db.insertInto('lists').values({ workspace_id, name: 'All', created_at: now }).returning('id').executeTakeFirstOrThrow();
      const contacts = await store.db
        .insertInto('contacts')
        .values(Array.from({ length: RECIPIENTS }, (_, i) => ({ workspace_id, email: `c${i}@example.test`, fields: store.dialect.writeJson({}), created_at: now, updated_at: now })))
        .returning('id')
        .execute();
      await store.db.insertInto('list_members').values(contacts.map((c) => ({ list_id: list.id, contact_id: c.id, added_at: now }))).execute();

      // `serve` with its sender, as `npm start` runs it.
      server = await startServerProcess(['serve'], { DATABASE_URL: databaseUrl, DATA_DIR: dataDir, SECRET: 'restart-secret-restart-secret-0123456789', SMTP_URL: `${sink.url}?pool=2` });
      const created = await api(server, key, 'POST', '/api/campaigns', { name: 'Restart', subject: 'Hi', fromEmail: 'news@shop.test', html: '<a href="https://shop.test">Shop</a>', listIds: [list.id] });
      expect(created.status).toBe(201);
      expect((await api(server, key, 'POST', `/api/campaigns/${created.body.id}/send`, {})).status).toBe(200);

      await sink.waitFor(RECIPIENTS / 5, 120_000);
      await interrupt();
      const acceptedWhenBack = sink.accepted;

      let status: string | undefined;
      for (const end = Date.now() + 180_000; Date.now() < end && !server.exit; ) {
        const campaign = await api(server, key, 'GET', `/api/campaigns/${created.body.id}`);
        status = campaign.status === 200 ? campaign.body.status : status;
        if (status === 'sent') break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const finalHealth = await fetch(`${server.baseUrl}/healthz`).then(async (r) => ({ status: r.status, body: await r.json() }), () => undefined);
      const exitBeforeStop = server.exit;
      const exitOnStop = await server.stop();
      const messages = await store.db.selectFrom('messages').select(['status']).where('campaign_id', '=', created.body.id).execute();
      return { server, sink, status, acceptedWhenBack, finalHealth, exitBeforeStop, exitOnStop, messages };
    } finally {
      if (server && !server.exit) server.child.kill('SIGKILL');
      await store.close();
      await sink.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  function expectSurvived(result: Awaited<ReturnType<typeof sendThrough>>) {
    const { server, sink, status, acceptedWhenBack, finalHealth, exitBeforeStop, exitOnStop, messages } = result;
    // The process never went down: it answered every health check, and it stopped cleanly when told to.
    expect(exitBeforeStop, `the process ended by itself: ${server.stderr}`).toBeUndefined();
    expect(server.health.refused).toBe(0);
    expect(exitOnStop).toEqual({ code: 0, signal: null });
    // The restarts came in the middle of the send, and it finished anyway: everyone received it.
    expect(acceptedWhenBack).toBeLessThan(RECIPIENTS);
    expect(status).toBe('sent');
    expect(sink.received.size).toBe(RECIPIENTS);
    for (let i = 0; i < RECIPIENTS; i++) expect(sink.received.get(`c${i}@example.test`) ?? 0, `c${i}`).toBeGreaterThanOrEqual(1);
    // Sent twice only if it was in flight when the database went away: never more than one batch.
    const duplicates = [...sink.received.values()].reduce((sum, n) => sum + n - 1, 0);
    expect(duplicates).toBeLessThanOrEqual(BATCH_SIZE);
    expect(messages.length).toBe(RECIPIENTS);
    expect(messages.filter((m) => m.status !== 'delivered')).toEqual([]);
    // Health checks said whether the database answered (503 while it was away), and it answers again.
    for (const { status, body } of server.health.answers) {
      if (status === 200) expect(body).toMatchObject({ ok: true, database: 'available' });
      else expect(body).toEqual({ ok: false, database: 'unavailable' });
    }
    expect(finalHealth).toMatchObject({ status: 200, body: { ok: true, database: 'available', tracking: { behind: 0 } } });
  }

  it('one fast restart mid-send: the process stays up, the campaign finishes sent, every recipient gets it', async () => {
    expectSurvived(await sendThrough('one_restart', () => postgres.restart()));
  }, 400_000);

  it('two fast restarts 2 s apart mid-send: the same', async () => {
    expectSurvived(
      await sendThrough('two_restarts', async () => {
        await postgres.restart();
        await new Promise((r) => setTimeout(r, 2_000));
        await postgres.restart();
      }),
    );
  }, 400_000);
});
