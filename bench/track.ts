/**
 * Tracking throughput: clicks through /t/c/ and pixel loads through /t/o/ on a
 * real `ricochet serve` process (every event committed before its answer),
 * against a bare Fastify process answering the same 302 / GIF without any work,
 * with the same autocannon load in the same run; then Ricochet's p99 latency at
 * half its maximum rate. SQLite, and PostgreSQL when TEST_DATABASE_URL is set.
 * `npm run bench -- track [--duration=10] [--connections=64]`
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { loadConfig } from '../src/config.js';
import { inWorkspace, Jobs } from '../src/context.js';
import { openStore } from '../src/db/connection.js';
import { migrate } from '../src/db/migrate.js';
import { PIXEL } from '../src/tracking/pages.js';
import { createScenario } from '../test/support/trackingScenario.js';
import { freshDatabase, type DatabaseKind } from '../test/support/databases.js';
import { freePort } from '../test/support/ports.js';

interface LoadResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  statusCodeStats: Record<string, { count: number }>;
  errors: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<LoadResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const SECRET = 'bench-secret-bench-secret-bench-secret-0123';
// Enough recipients that none clicks twice within the burst window (10 s) at these rates, as in a real campaign.
const RECIPIENTS = 200_000;
const USER_AGENT = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';
const TARGET = 'https://shop.example/spring-sale?utm_source=ricochet';

/** The baseline: the same answers with no token, no database, nothing. */
async function bareServer(port: number) {
  const app = Fastify({ logger: false });
  app.get('/t/c/:token', (_req, reply) => reply.code(302).headers({ location: TARGET, 'cache-control': 'no-store' }).send());
  app.get('/t/o/:token', (_req, reply) => reply.headers({ 'content-type': 'image/gif', 'cache-control': 'no-store' }).send(PIXEL));
  app.get('/healthz', () => ({ ok: true }));
  await app.listen({ port, host: '127.0.0.1' });
}

async function start(args: string[], env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 300; i++) {
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

function load(port: number, paths: string[], seconds: number, connections: number, overallRate?: number): Promise<LoadResult> {
  let next = 0;
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    ...(overallRate && { overallRate: Math.round(overallRate) }),
    headers: { 'user-agent': USER_AGENT },
    requests: [{ method: 'GET', setupRequest: (request: { path: string }) => ({ ...request, path: paths[next++ % paths.length] }) }],
  });
}

const count = (r: LoadResult, status: string) => Number(r.statusCodeStats[status]?.count ?? 0);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function benchDatabase(kind: DatabaseKind, seconds: number, connections: number) {
  const database = await freshDatabase(kind);
  const dataDir = mkdtempSync(join(tmpdir(), 'ricochet-bench-track-'));
  const [ricochetPort, barePort] = [await freePort(), await freePort()];
  const env = { DATABASE_URL: database.url, DATA_DIR: dataDir, SECRET, LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: String(ricochetPort) };
  const config = loadConfig(env);
  const store = openStore(config.databaseUrl);
  const children: ChildProcess[] = [];
  try {
    await migrate(store);
    const s = await createScenario(inWorkspace({ store, config, now: Date.now, secret: Buffer.from(SECRET), jobs: new Jobs() }, 1), { recipients: RECIPIENTS, links: [TARGET] });
    const clicks = s.messages.map((_, i) => `/t/c/${s.token(i, 'click', 1)}`);
    const opens = s.messages.map((_, i) => `/t/o/${s.token(i, 'open')}`);

    children.push(await start(['src/main.ts', 'serve', '--no-worker'], env, ricochetPort));
    children.push(await start([fileURLToPath(import.meta.url), 'bare', String(barePort)], {}, barePort));

    let answered = 0;
    for (const [name, paths, status] of [['clicks /t/c/', clicks, '302'], ['opens  /t/o/', opens, '200']] as const) {
      answered += count(await load(ricochetPort, paths, 2, connections), status); // warm-up
      await load(barePort, paths, 2, connections);
      const bare = await load(barePort, paths, seconds, connections);
      const ours = await load(ricochetPort, paths, seconds, connections);
      const half = await load(ricochetPort, paths, seconds, connections, ours.requests.average / 2);
      const ratio = ours.requests.average / bare.requests.average;
      answered += count(ours, status) + count(half, status);
      console.log(
        `${kind.padEnd(8)} ${name}  Ricochet ${fmt(ours.requests.average)}/s vs bare Fastify ${fmt(bare.requests.average)}/s = ratio ${ratio.toFixed(2)} ` +
          `(p99 at max ${ours.latency.p99} ms vs ${bare.latency.p99} ms) | at half rate (${fmt(half.requests.average)}/s): p50 ${half.latency.p50} ms, p99 ${half.latency.p99} ms | ` +
          `${fmt(count(ours, status) + count(half, status))} × ${status}, ${ours.errors + half.errors} errors`,
      );
    }
    await stop(children.pop()!);
    await stop(children.pop()!); // SIGTERM: Ricochet commits what it holds, then exits
    const events = await store.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    console.log(`${kind.padEnd(8)} events committed: ${fmt(Number(events.n))} for ${fmt(answered)} answered requests`);
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await store.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export default async function (args: string[]) {
  const option = (name: string, fallback: number) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
  const seconds = option('duration', 10);
  const connections = option('connections', 64);
  const kinds: DatabaseKind[] = process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
  console.log(`${connections} connections, ${seconds} s per run, ${fmt(RECIPIENTS)} recipients' tokens in rotation`);
  for (const kind of kinds) await benchDatabase(kind, seconds, connections);
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'bare') await bareServer(Number(process.argv[3]));
