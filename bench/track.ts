/**
 * Tracking throughput on a campaign as a real send leaves it: a 20-link newsletter
 * created with createCampaign and sent by a real `ricochet worker` to a local SMTP
 * relay (bench/_track-campaign.ts), then loaded on a real `ricochet serve` process
 * (every event committed before its answer), against a bare Fastify process
 * answering the same 302 / GIF without any work, with the same autocannon load in
 * the same run; then Ricochet's p99 latency at half its maximum rate.
 *
 * - clicks: recipients in a shuffled order (people read their mail when they do,
 *   not in id order), each clicking 3 of the 20 links, 2–5 s apart (outside the 1 s
 *   burst window, inside the 10 s one);
 * - opens: each recipient's pixel, in a shuffled order;
 * - storm: 600 tracked URLs (3 links of 200 recipients) hit over and over.
 * After each phase: events committed ≥ answers, and, when the server reports its
 * tracking folder in /healthz, how long the counters took to catch up. After each
 * database: the campaign's counters against `ricochet rebuild-stats`.
 * SQLite, and PostgreSQL when TEST_DATABASE_URL is set.
 * `npm run bench -- track [--duration=10] [--connections=64] [--recipients=30000] [--order=sequential] [--databases=sqlite,postgres] [--cpu-prof=DIR]` (DIR: the serving process's CPU profile)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { loadConfig } from '../src/config.js';
import { inWorkspace, Jobs, type WorkspaceContext } from '../src/context.js';
import { openStore } from '../src/db/connection.js';
import { migrate } from '../src/db/migrate.js';
import { PIXEL } from '../src/tracking/pages.js';
import { signer } from '../src/tracking/tokens.js';
import { storedCounters } from '../test/support/trackingScenario.js';
import { freshDatabase, type DatabaseKind } from '../test/support/databases.js';
import { freePort } from '../test/support/ports.js';
import { sendNewsletter } from './_track-campaign.js';

interface LoadResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  statusCodeStats: Record<string, { count: number }>;
  errors: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<LoadResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const SECRET = 'bench-secret-bench-secret-bench-secret-0123';
const USER_AGENT = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';
const TARGET = 'https://shop.example/journal/1?utm_source=ricochet&utm_campaign=april';
const LINKS = 20;
const CLICKS_EACH = 3;
const STORM_URLS = 600;

/** The baseline: the same answers with no token, no database, nothing. */
async function bareServer(port: number) {
  const app = Fastify({ logger: false });
  app.get('/t/c/:token', (_req, reply) => reply.code(302).headers({ location: TARGET, 'cache-control': 'no-store' }).send());
  app.get('/t/o/:token', (_req, reply) => reply.headers({ 'content-type': 'image/gif', 'cache-control': 'no-store' }).send(PIXEL));
  app.get('/healthz', () => ({ ok: true }));
  await app.listen({ port, host: '127.0.0.1' });
}

async function start(args: string[], env: Record<string, string>, port: number, nodeFlags: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 1200; i++) {
    if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) return child;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server ${args.join(' ')} did not start`);
}

async function stop(child: ChildProcess) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** A deterministic shuffle (the same order in every run). */
function shuffled(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let s = seed;
  const random = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** The next path of a phase, asked for each request as it is sent. */
type Paths = () => string;

/**
 * Each recipient, in the given order, clicks 3 different links of the 20, each 2–5 s after its previous click
 * (a reader going back to the email); new recipients come while none of those already reading is due.
 */
function readersClicking(order: number[], token: (recipient: number, position: number) => string): Paths {
  const due: Array<{ recipient: number; clicked: number; at: number }> = [];
  let head = 0;
  let next = 0;
  return () => {
    const now = Date.now();
    const reader = head < due.length && due[head]!.at <= now ? due[head++]! : { recipient: order[next++ % order.length]!, clicked: 0, at: now };
    // Three distinct positions of 1–20 per recipient, spread over the newsletter.
    const position = 1 + ((reader.recipient * 7 + reader.clicked * 6) % LINKS);
    if (++reader.clicked < CLICKS_EACH) due.push({ ...reader, at: now + 2000 + ((reader.recipient * 997) % 3000) });
    if (head > 50_000) {
      due.splice(0, head);
      head = 0;
    }
    return token(reader.recipient, position);
  };
}

const rotation = (paths: string[]): Paths => {
  let next = 0;
  return () => paths[next++ % paths.length]!;
};

function load(port: number, paths: Paths, seconds: number, connections: number, overallRate?: number): Promise<LoadResult> {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    ...(overallRate && { overallRate: Math.round(overallRate) }),
    headers: { 'user-agent': USER_AGENT },
    requests: [{ method: 'GET', setupRequest: (request: { path: string }) => ({ ...request, path: paths() }) }],
  });
}

const count = (r: LoadResult, status: string) => Number(r.statusCodeStats[status]?.count ?? 0);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

interface Tracking {
  behind: number;
  lagMs: number;
}

/** The folder's state from /healthz; undefined while the server does not report one (counters written before the answer). */
async function tracking(port: number): Promise<Tracking | undefined> {
  const health = (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.json())) as { tracking?: Tracking };
  return health.tracking;
}

/** Milliseconds from now until the folder has nothing behind (polled every 50 ms, 60 s at most); undefined without a folder. */
async function convergence(port: number): Promise<{ ms: number; behind: number } | undefined> {
  const first = await tracking(port);
  if (!first) return undefined;
  const start = performance.now();
  for (let state = first; ; state = (await tracking(port))!) {
    if (state.behind === 0) return { ms: performance.now() - start, behind: first.behind };
    if (performance.now() - start > 60_000) throw new Error(`the counters are still ${state.behind} events behind 60 s after the load stopped`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function eventCount(ctx: WorkspaceContext): Promise<number> {
  const row = await ctx.store.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** `ricochet rebuild-stats <campaignId>` as an operator runs it. */
function rebuildStats(env: Record<string, string>, campaignId: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'rebuild-stats', String(campaignId)], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`rebuild-stats exited with ${code}`)))));
}

/** How many counters (a message's or a message link's, field by field, rows present on one side only included) differ. */
function differences(a: Awaited<ReturnType<typeof storedCounters>>, b: Awaited<ReturnType<typeof storedCounters>>): number {
  let n = 0;
  for (const table of ['messages', 'links'] as const) {
    const left = a[table] as Record<string, Record<string, unknown>>;
    const right = b[table] as Record<string, Record<string, unknown>>;
    for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
      const l = left[key];
      const r = right[key];
      if (!l || !r) n++;
      else for (const field of Object.keys(l)) if (Number(l[field] ?? -1) !== Number(r[field] ?? -1)) n++;
    }
  }
  return n;
}

interface Options {
  seconds: number;
  connections: number;
  recipients: number;
  sequential: boolean;
  cpuProfileDir?: string;
}

async function benchDatabase(kind: DatabaseKind, o: Options) {
  const database = await freshDatabase(kind);
  const dataDir = mkdtempSync(join(tmpdir(), 'ricochet-bench-track-'));
  const [ricochetPort, barePort] = [await freePort(), await freePort()];
  const env = { DATABASE_URL: database.url, DATA_DIR: dataDir, SECRET, LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: String(ricochetPort) };
  const config = loadConfig(env);
  const store = openStore(config.databaseUrl);
  const ctx = inWorkspace({ store, config, now: Date.now, secret: Buffer.from(SECRET), jobs: new Jobs() }, 1);
  const children: ChildProcess[] = [];
  try {
    await migrate(store);
    const sent = await sendNewsletter(ctx, env, o.recipients);
    console.log(`${kind.padEnd(8)} newsletter of ${LINKS} links sent to ${fmt(o.recipients)} recipients by the worker in ${sent.seconds.toFixed(0)} s`);
    const tokens = (recipient: number) => signer(ctx.secret, sent.messageIds[recipient]!);
    const order = o.sequential ? sent.messageIds.map((_, i) => i) : shuffled(sent.messageIds.length, 16);
    const click = (recipient: number, position: number) => `/t/c/${tokens(recipient).token('click', position)}`;
    const stormReaders = STORM_URLS / CLICKS_EACH;
    const storm = Array.from({ length: STORM_URLS }, (_, i) => click(order[i % stormReaders]!, 1 + ((order[i % stormReaders]! * 7 + Math.floor(i / stormReaders) * 6) % LINKS)));
    if (new Set(storm).size !== STORM_URLS) throw new Error('the storm does not have 600 distinct URLs');
    const phases = [
      { name: 'clicks /t/c/', status: '302', paths: () => readersClicking(order, click), half: true },
      { name: 'opens  /t/o/', status: '200', paths: () => rotation(order.map((r) => `/t/o/${tokens(r).token('open')}`)), half: true },
      { name: `storm (${STORM_URLS} URLs)`, status: '302', paths: () => rotation(storm), half: false },
    ];

    children.push(await start(['src/main.ts', 'serve', '--no-worker'], env, ricochetPort, o.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfileDir}`] : []));
    children.push(await start([fileURLToPath(import.meta.url), 'bare', String(barePort)], {}, barePort));
    const ratios: string[] = [];
    let answered = 0;
    let lost = 0;
    for (const phase of phases) {
      const paths = phase.paths();
      const before = await eventCount(ctx);
      const warm = await load(ricochetPort, paths, 2, o.connections);
      await load(barePort, paths, 2, o.connections);
      const bare = await load(barePort, paths, o.seconds, o.connections);
      const ours = await load(ricochetPort, paths, o.seconds, o.connections);
      // Right after the run at the maximum rate, where the folder falls furthest behind.
      const converged = await convergence(ricochetPort);
      const half = phase.half ? await load(ricochetPort, paths, o.seconds, o.connections, ours.requests.average / 2) : undefined;
      const ratio = ours.requests.average / bare.requests.average;
      const runs = [warm, ours, ...(half ? [half] : [])];
      const ok = runs.reduce((n, r) => n + count(r, phase.status), 0);
      const failed = runs.reduce((n, r) => n + r.errors + Object.entries(r.statusCodeStats).reduce((m, [code, s]) => m + (code === phase.status ? 0 : s.count), 0), 0);
      const committed = (await eventCount(ctx)) - before;
      answered += ok;
      lost += Math.max(0, ok - committed);
      ratios.push(`${phase.name.split(' ')[0]} ${ratio.toFixed(2)}`);
      console.log(
        `${kind.padEnd(8)} ${phase.name}  Ricochet ${fmt(ours.requests.average)}/s vs bare Fastify ${fmt(bare.requests.average)}/s = ratio ${ratio.toFixed(2)} ` +
          `(p99 at max ${ours.latency.p99} ms vs ${bare.latency.p99} ms)` +
          (half ? ` | at half rate (${fmt(half.requests.average)}/s): p50 ${half.latency.p50} ms, p99 ${half.latency.p99} ms` : '') +
          ` | ${fmt(ok)} × ${phase.status}, ${failed} errors or other answers, ${fmt(committed)} events committed${committed >= ok ? '' : ' — FEWER THAN ANSWERS'}` +
          (converged ? ` | counters caught up ${Math.round(converged.ms)} ms after the run at the maximum rate stopped (${fmt(converged.behind)} events behind)` : ''),
      );
    }
    const folder = await tracking(ricochetPort);
    await stop(children.pop()!);
    await stop(children.pop()!); // SIGTERM: Ricochet commits what it holds, then exits
    const events = await eventCount(ctx);
    console.log(`${kind.padEnd(8)} events committed: ${fmt(events)} for ${fmt(answered)} answered requests: ${lost === 0 && events >= answered ? 'none lost' : `${fmt(lost)} LOST`} | ratios ${ratios.join(', ')}`);
    if (!folder) {
      console.log(`${kind.padEnd(8)} counters vs a rebuild: skipped (this server reports no tracking folder in /healthz)`);
    } else {
      const stored = await storedCounters(ctx, sent.campaignId);
      await rebuildStats(env, sent.campaignId);
      const n = differences(stored, await storedCounters(ctx, sent.campaignId));
      console.log(`${kind.padEnd(8)} counters equal a rebuild: ${n === 0 ? 'yes' : 'no'} (${n} differences over ${fmt(Object.keys(stored.messages).length)} messages and ${fmt(Object.keys(stored.links).length)} message links)`);
    }
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await store.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export default async function (args: string[]) {
  const option = (name: string, fallback: number) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
  const o: Options = {
    seconds: option('duration', 10),
    connections: option('connections', 64),
    recipients: option('recipients', 30_000),
    sequential: args.includes('--order=sequential'),
    cpuProfileDir: args.find((a) => a.startsWith('--cpu-prof='))?.split('=')[1],
  };
  const only = args.find((a) => a.startsWith('--databases='))?.split('=')[1]?.split(',');
  const kinds = (process.env.TEST_DATABASE_URL ? (['sqlite', 'postgres'] as DatabaseKind[]) : (['sqlite'] as DatabaseKind[])).filter((k) => !only || only.includes(k));
  console.log(`${o.connections} connections, ${o.seconds} s per run, recipients in ${o.sequential ? 'id' : 'a shuffled'} order`);
  for (const kind of kinds) await benchDatabase(kind, o);
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'bare') await bareServer(Number(process.argv[3]));
