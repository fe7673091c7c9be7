import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { ricochetArgs } from '../../test/support/compiled.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { startSmtpSink, type SmtpSink } from '../../test/support/smtpSink.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A real `ricochet worker` process on the test's database. */
function worker(t: TestApp, smtpUrl: string): ChildProcess {
  const child = spawn(process.execPath, ricochetArgs('worker'), {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: t.ctx.config.databaseUrl,
      DATA_DIR: t.ctx.config.dataDir,
      SECRET: t.ctx.config.secret,
      SMTP_URL: smtpUrl,
      SENDER_LEASE_SECONDS: '2',
      LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    if (!/shutting down/.test(chunk.toString())) process.stderr.write(`worker ${child.pid}: ${chunk}`);
  });
  return child;
}

const exited = (child: ChildProcess) => new Promise<void>((done) => (child.exitCode !== null || child.signalCode !== null ? done() : child.once('exit', () => done())));

async function campaignOf(t: TestApp, recipients: number): Promise<number> {
  const list = (await t.api('POST', '/api/lists', { name: 'All' })).body.id;
  const now = Date.now();
  const contacts = await t.ctx.store.db
    .insertInto('contacts')
    .values(Array.from({ length: recipients }, (_, i) => ({ workspace_id: t.ctx.workspaceId, email: `c${i}@example.test`, fields: t.ctx.store.dialect.writeJson({}), created_at: now, updated_at: now })))
    .returning('id')
    .execute();
  await t.ctx.store.db.insertInto('list_members').values(contacts.map((c) => ({ list_id: list, contact_id: c.id, added_at: now }))).execute();
  const id = (
    await t.api('POST', '/api/campaigns', { name: 'Crash', subject: 'Hi {{ contact.email }}', fromEmail: 'news@shop.test', html: '<a href="https://shop.test">Shop</a>', listIds: [list] })
  ).body.id;
  await t.api('POST', `/api/campaigns/${id}/send`, {});
  return id;
}

async function untilSent(t: TestApp, id: number, timeoutMs = 90_000) {
  for (const end = Date.now() + timeoutMs; Date.now() < end; ) {
    if ((await t.api('GET', `/api/campaigns/${id}`)).body.status === 'sent') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the campaign did not finish');
}

describeEachDatabase('a worker killed with SIGKILL mid-campaign', (kind) => {
  const RECIPIENTS = 400;
  let t: TestApp;
  let sink: SmtpSink;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    sink = await startSmtpSink({ delayMs: 5, keep: false });
    t = await startTestApp(kind);
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await t.close();
    await sink.close();
  });

  it('is taken over after a restart: nobody skipped, and duplicates only from the batch in flight, counted', async () => {
    const id = await campaignOf(t, RECIPIENTS);
    const first = worker(t, `${sink.url}?pool=2`);
    children.push(first);
    await sink.waitFor(120, 60_000);
    first.kill('SIGKILL');
    await exited(first);
    const beforeRestart = sink.accepted;
    expect(beforeRestart).toBeLessThan(RECIPIENTS);

    const second = worker(t, `${sink.url}?pool=2`);
    children.push(second);
    await untilSent(t, id);
    second.kill('SIGTERM');
    await exited(second);

    for (let i = 0; i < RECIPIENTS; i++) expect(sink.received.get(`c${i}@example.test`) ?? 0, `c${i}`).toBeGreaterThanOrEqual(1);
    const duplicates = [...sink.received.values()].reduce((sum, n) => sum + n - 1, 0);
    const campaign = await t.ctx.store.db.selectFrom('campaigns').select('reclaimed').where('id', '=', id).executeTakeFirstOrThrow();
    expect(campaign.reclaimed).toBeGreaterThan(0);
    expect(duplicates).toBeLessThanOrEqual(campaign.reclaimed);
    // At most one group of outcomes not yet written plus the messages in flight.
    expect(duplicates).toBeLessThanOrEqual(50 + 4);
    const statuses = await t.ctx.store.db.selectFrom('messages').select('status').where('campaign_id', '=', id).where('status', '<>', 'delivered').execute();
    expect(statuses).toEqual([]);
  });
});

const describePostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

describePostgres('two worker processes on one PostgreSQL [postgres]', () => {
  const RECIPIENTS = 600;
  let t: TestApp;
  let sink: SmtpSink;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    sink = await startSmtpSink({ delayMs: 2, keep: false });
    t = await startTestApp('postgres');
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await t.close();
    await sink.close();
  });

  it('share a campaign with no duplicate and no gap', async () => {
    const id = await campaignOf(t, RECIPIENTS);
    children.push(worker(t, `${sink.url}?pool=1`), worker(t, `${sink.url}?pool=1`));
    await untilSent(t, id);
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map(exited));
    expect(sink.received.size).toBe(RECIPIENTS);
    expect([...sink.received.values()].every((n) => n === 1)).toBe(true);
    // One SMTP connection per worker: two sessions delivered, so both workers sent part of it.
    expect(sink.sessions.size).toBeGreaterThanOrEqual(2);
    const campaign = await t.ctx.store.db.selectFrom('campaigns').select('reclaimed').where('id', '=', id).executeTakeFirstOrThrow();
    expect(campaign.reclaimed).toBe(0);
  });
});
