import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { ricochetArgs } from '../../test/support/compiled.js';
import { describeOnPostgres } from '../../test/support/databases.js';
import { startSmtpSink, type SmtpSink } from '../../test/support/smtpSink.js';
import { decideDueTests } from '../campaigns/abTest.js';

/**
 * SPEC §11 end to end: 10,000 contacts, a 20 % test of two subjects sent by a real worker
 * process to a real SMTP server. Variant A's mail is opened by Apple's privacy proxy (machine
 * opens), variant B's links are clicked by people; the worker is killed with SIGKILL during the
 * wait and again during the winner's send. B wins on human clicks, reaches exactly the other
 * 80 %, nobody gets both, and the decision is taken once.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const RECIPIENTS = 10_000;
const TEST_GROUP = 2_000;
const BROWSER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15';
const APPLE_PROXY = 'Mozilla/5.0';

function worker(t: TestApp, smtpUrl: string): ChildProcess {
  const child = spawn(process.execPath, ricochetArgs('worker'), {
    cwd: root,
    env: { ...process.env, DATABASE_URL: t.ctx.config.databaseUrl, DATA_DIR: t.ctx.config.dataDir, SECRET: t.ctx.config.secret, SMTP_URL: smtpUrl, SENDER_LEASE_SECONDS: '2', LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    if (!/shutting down/.test(chunk.toString())) process.stderr.write(`worker ${child.pid}: ${chunk}`);
  });
  return child;
}

const exited = (child: ChildProcess) => new Promise<void>((done) => (child.exitCode !== null || child.signalCode !== null ? done() : child.once('exit', () => done())));

// Ten thousand messages through a real relay: minutes on a busy machine.
async function until(what: () => Promise<boolean>, label: string, timeoutMs = 900_000) {
  for (const end = Date.now() + timeoutMs; Date.now() < end; ) {
    if (await what()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${label}`);
}

const subjectOf = (raw: Buffer) => /^Subject: (.*)$/m.exec(raw.toString('latin1'))![1]!.trim();
/** The token of the visible link, or of the pixel, in a message as the relay received it (quoted-printable soft breaks undone). */
const tokenIn = (raw: Buffer, kind: 'c' | 'o') => {
  const text = raw.toString('latin1').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  const pattern = kind === 'c' ? /href="[^"]*\/t\/c\/([\w-]+)"[^>]*>Shop the sale/ : /src="[^"]*\/t\/o\/([\w-]+)"/;
  return pattern.exec(text)![1]!;
};

// Worker processes killed and restarted around one database: PostgreSQL, where several workers run. The rules (the draw,
// the decision made once, variants kept) are proven on both databases by abTest.drawn-from-the-seed-split-evenly-and-decided-once.
describeOnPostgres('an A/B test sent by worker processes', (kind) => {
  let t: TestApp;
  let sink: SmtpSink;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp(kind);
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await t.close();
    await sink.close();
  });

  it('sends the variant that people clicked to exactly the rest, once, whatever the proxies opened and through two kill -9', { timeout: 1_800_000 }, async () => {
    const { db } = t.ctx.store;
    const list = (await t.api('POST', '/api/lists', { name: 'Everyone' })).body.id;
    const now = Date.now();
    for (let from = 0; from < RECIPIENTS; from += 2_000) {
      const contacts = await db
        .insertInto('contacts')
        .values(Array.from({ length: 2_000 }, (_, i) => ({ workspace_id: t.ctx.workspaceId, email: `c${from + i}@example.test`, fields: t.ctx.store.dialect.writeJson({}), created_at: now, updated_at: now })))
        .returning('id')
        .execute();
      await db.insertInto('list_members').values(contacts.map((c) => ({ list_id: list, contact_id: c.id, added_at: now }))).execute();
    }
    const created = await t.api('POST', '/api/campaigns', {
      name: 'Spring',
      subject: 'Spring A',
      fromEmail: 'news@shop.test',
      html: '<p>Spring is here.</p><p><a href="https://shop.test/spring">Shop the sale</a></p>',
      listIds: [list],
      abTest: { variants: [{ key: 'A' }, { key: 'B', subject: 'Spring B' }], testPercent: 20, waitMinutes: 60 },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as number;
    expect((await t.api('POST', `/api/campaigns/${id}/send`, {})).body.ab.status).toBe('testing');
    const campaign = () => db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const delivered = async () =>
      Number((await db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).where('campaign_id', '=', id).where('status', '=', 'delivered').executeTakeFirstOrThrow()).n);

    // The test group goes out, then the worker dies during the wait.
    const first = worker(t, `${sink.url}?pool=4`);
    children.push(first);
    await until(async () => (await delivered()) === TEST_GROUP, 'the test group');
    first.kill('SIGKILL');
    await exited(first);
    expect(sink.accepted).toBe(TEST_GROUP);
    expect((await campaign()).ab_status).toBe('testing');

    // What recipients did, through the public tracking routes, well after delivery (a click seconds after it is a scanner's).
    t.clock.advance(5 * 60_000);
    const group = await db.selectFrom('messages as m').innerJoin('contacts as c', 'c.id', 'm.contact_id').select(['c.email', 'm.variant']).where('m.campaign_id', '=', id).where('m.variant', 'is not', null).execute();
    const variantOf = new Map(group.map((m) => [m.email!, m.variant!]));
    const byVariant = { A: sink.messages.filter((m) => variantOf.get(m.to) === 'A'), B: sink.messages.filter((m) => variantOf.get(m.to) === 'B') };
    expect([byVariant.A.length, byVariant.B.length]).toEqual([TEST_GROUP / 2, TEST_GROUP / 2]);
    for (const m of byVariant.A) expect(subjectOf(m.raw)).toBe('Spring A');
    for (const m of byVariant.B) expect(subjectOf(m.raw)).toBe('Spring B');
    const hit = async (kind: 'c' | 'o', raw: Buffer, userAgent: string) => {
      const response = await fetch(`${t.baseUrl}/t/${kind}/${tokenIn(raw, kind)}`, { headers: { 'user-agent': userAgent }, redirect: 'manual' });
      expect(response.status).toBe(kind === 'c' ? 302 : 200);
    };
    // A: the privacy proxy loads the pixel of 400, and 20 people click. B: 90 people click (over 100 human clicks in all: enough to tell).
    for (const m of byVariant.A.slice(0, 400)) await hit('o', m.raw, APPLE_PROXY);
    for (const m of byVariant.A.slice(400, 420)) await hit('c', m.raw, BROWSER);
    for (const m of byVariant.B.slice(0, 90)) await hit('c', m.raw, BROWSER);
    t.clock.real();
    const totals = async () =>
      db
        .selectFrom('messages')
        .select(['variant', (eb) => eb.fn.sum<number>('opens').as('opens'), (eb) => eb.fn.sum<number>('human_clicks').as('humanClicks')])
        .where('campaign_id', '=', id)
        .where('variant', 'is not', null)
        .groupBy('variant')
        .orderBy('variant')
        .execute();
    await until(async () => (await totals()).map((r) => Number(r.humanClicks)).join() === '20,90', 'the clicks to be counted', 120_000);
    const counted = await totals();
    // On raw opens A leads by far.
    expect(Number(counted[0]!.opens)).toBeGreaterThan(Number(counted[1]!.opens));

    // The wait ends (the worker's clock cannot be moved: its deadline is), and a new worker decides.
    await db.updateTable('campaigns').set({ ab_decide_at: Date.now() }).where('id', '=', id).execute();
    const second = worker(t, `${sink.url}?pool=4`);
    children.push(second);
    await until(async () => (await campaign()).ab_status === 'decided', 'the decision', 120_000);
    // Killed again in the middle of the winner's send.
    await until(async () => sink.accepted >= TEST_GROUP + 2_000, 'part of the winner');
    second.kill('SIGKILL');
    await exited(second);
    const decided = await campaign();
    expect(decided).toMatchObject({ ab_status: 'decided', ab_winner: 'B' });
    expect(decided.ab_reason).toMatch(/human click rate/);
    expect(decided.status).toBe('sending');

    const third = worker(t, `${sink.url}?pool=4`);
    children.push(third);
    await until(async () => (await campaign()).ab_status === 'sent', 'the rest to be sent');
    third.kill('SIGTERM');
    await exited(third);

    const done = await campaign();
    expect(done).toMatchObject({ status: 'sent', ab_winner: 'B', status_reason: null });
    expect(done.ab_decided_at).toBe(decided.ab_decided_at);
    expect(await decideDueTests(t.ctx)).toBe(0);
    expect((await campaign()).ab_decided_at).toBe(decided.ab_decided_at);

    // Everyone got mail, each one subject only, of their own variant; only the batch killed in flight went twice (counted).
    const subjects = new Map<string, Set<string>>();
    for (const m of sink.messages) {
      let seen = subjects.get(m.to);
      if (!seen) subjects.set(m.to, (seen = new Set()));
      seen.add(subjectOf(m.raw));
    }
    expect(subjects.size).toBe(RECIPIENTS);
    expect([...subjects.values()].every((s) => s.size === 1)).toBe(true);
    const rest = [...subjects].filter(([to]) => !variantOf.has(to));
    expect(rest.length).toBe(RECIPIENTS - TEST_GROUP);
    expect(rest.every(([, s]) => s.has('Spring B'))).toBe(true);
    for (const [to, variant] of variantOf) expect(subjects.get(to)!.has(`Spring ${variant}`)).toBe(true);
    const duplicates = sink.messages.length - RECIPIENTS;
    expect(duplicates).toBeLessThanOrEqual(done.reclaimed);
    const variants = await db.selectFrom('messages').select(['variant', (eb) => eb.fn.countAll<number>().as('n')]).where('campaign_id', '=', id).groupBy('variant').orderBy('variant').execute();
    expect(variants.map((v) => [v.variant, Number(v.n)])).toEqual([
      ['A', TEST_GROUP / 2],
      ['B', RECIPIENTS - TEST_GROUP / 2],
    ]);
  });
});
