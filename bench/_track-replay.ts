// Replays the same hits through the ingestion in-process, in id or shuffled order: CPU and wall time per hit, the bytes of WAL each hit cost
// (SQLite: auto-checkpoint off unless --checkpoints, then WAL bytes are not meaningful; PostgreSQL: pg_current_wal_lsn, which counts every writer of the server) and, on SQLite, the CPU time of each statement.
// `npx tsx bench/_track-replay.ts --url=sqlite:/path/db [--campaign=1] [--pattern=three|once|opens] [--order=seq|random] [--hits=15000] [--batch=32] [--rate=3000] [--checkpoints]`
// The database holds a campaign already sent (bench/_track-sent-database.ts); run it on a copy: the hits are committed.
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { Jobs } from '../src/context.js';
import { openStore } from '../src/db/connection.js';
import { migrate } from '../src/db/migrate.js';
import { foldAll } from '../src/tracking/fold.js';
import { startIngestion, type Hit } from '../src/tracking/ingest.js';

const arg = (n: string, d: string) => process.argv.find((a) => a.startsWith(`--${n}=`))?.split('=')[1] ?? d;
const stats = new Map<string, { n: number; ms: number }>();
const proto = (Database as any).prototype;
const prepare = proto.prepare;
proto.prepare = function (this: unknown, source: string) {
  const stmt = prepare.call(this, source);
  const key = source.replace(/\s+/g, ' ').slice(0, 70);
  for (const m of ['run', 'all', 'get', 'iterate']) {
    const f = stmt[m];
    stmt[m] = function (...a: unknown[]) {
      const c = process.cpuUsage();
      try { return f.apply(this, a); } finally { const d = process.cpuUsage(c); const s = stats.get(key) ?? { n: 0, ms: 0 }; s.n++; s.ms += (d.user + d.system) / 1000; stats.set(key, s); }
    };
  }
  return stmt;
};
const SECRET = 'bench-secret-bench-secret-bench-secret-0123';
const url = arg('url', '');
const config = loadConfig({ DATABASE_URL: url, DATA_DIR: tmpdir(), SECRET });
const store = openStore(config.databaseUrl);
const ctx = { store, config, now: Date.now, secret: Buffer.from(SECRET), jobs: new Jobs() };
await migrate(store); // a copy made before the newest migrations
const pg = url.startsWith('postgres');
if (!pg) { await sql`pragma wal_checkpoint(TRUNCATE)`.execute(store.db); if (!process.argv.includes('--checkpoints')) await sql`pragma wal_autocheckpoint = 0`.execute(store.db); }
const lsn = async () => (await sql<{ l: string }>`select pg_current_wal_lsn()::text as l`.execute(store.db)).rows[0]!.l;
const walBytes = async (from: string) => Number((await sql<{ d: string }>`select pg_wal_lsn_diff(pg_current_wal_lsn(), ${from}::pg_lsn) as d`.execute(store.db)).rows[0]!.d);
const campaignId = Number(arg('campaign', '1'));
const ids = (await store.db.selectFrom('messages').select('id').where('campaign_id', '=', campaignId).orderBy('id').execute()).map((m) => m.id);
const total = Number(arg('hits', '20000'));
const batch = Number(arg('batch', '32'));
const rate = Number(arg('rate', '10000')); // virtual hits per second
const gap = Number(arg('gap', '2000'));
const pattern = arg('pattern', 'three');
const offset = Number(arg('offset', '0'));
const t0 = Date.now();
// Recipients in id order (the generated bench's rotation) or in a shuffled order (people read their mail when they do).
const order = ids.map((_, i) => i);
if (arg('order', 'seq') === 'random') { let seed = 42; const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648); for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [order[i], order[j]] = [order[j]!, order[i]!]; } }
const hits: Hit[] = [];
const due: Array<{ i: number; n: number; at: number }> = [];
let head = 0;
let fresh = offset;
for (let k = 0; k < total; k++) {
  const now = t0 + (k * 1000) / rate;
  const base = { anonymous: false, head: false, userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148', ip: `10.0.${k % 250}.0`, at: Math.round(now) };
  if (pattern === 'once') { hits.push({ ...base, type: 'click', subjectId: ids[order[fresh++ % ids.length]!]!, link: { position: 1 } }); continue; }
  if (pattern === 'opens') { hits.push({ ...base, type: 'open', subjectId: ids[order[fresh++ % ids.length]!]! }); continue; }
  let r;
  if (head < due.length && due[head]!.at <= now) r = due[head++]!;
  else r = { i: order[fresh++ % ids.length]!, n: 0, at: now };
  const position = 1 + ((r.i * 7 + r.n * 6) % 20);
  if (++r.n < 3) due.push({ i: r.i, n: r.n, at: now + gap });
  hits.push({ ...base, type: 'click', subjectId: ids[r.i]!, link: { position } });
}
const ingestion = startIngestion(ctx as never);
await ingestion.record(hits[0]!);
stats.clear();
const wal0 = pg ? await lsn() : statSync(url.slice(7) + '-wal').size;
const cpu0 = process.cpuUsage();
const w0 = performance.now();
for (let k = 1; k < hits.length; k += batch) await Promise.all(hits.slice(k, k + batch).map((h) => ingestion.record(h)));
const wall = performance.now() - w0;
const cpu = process.cpuUsage(cpu0);
console.log(`${arg('label', url)} ${pattern} ${arg('order', 'seq')}: ${total} hits in batches of ${batch}: ${((cpu.user + cpu.system) / total).toFixed(1)} us CPU/hit, ${((wall * 1000) / total).toFixed(1)} us wall/hit, WAL ${((pg ? await walBytes(wal0 as string) : statSync(url.slice(7) + '-wal').size - (wal0 as number)) / total / 1024).toFixed(1)} KiB/hit`);
for (const [k, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8)) console.log(`   ${((s.ms * 1000) / total).toFixed(1).padStart(6)} us/hit  ${String(s.n).padStart(6)}×  ${k}`);
await ingestion.close();
// Then what the folder costs for the same hits (it ran in no other place: the replay has no folder).
stats.clear();
const foldWal0 = pg ? await lsn() : statSync(url.slice(7) + '-wal').size;
const foldCpu0 = process.cpuUsage();
const f0 = performance.now();
const folded = await foldAll(ctx as never);
const foldWall = performance.now() - f0;
const foldCpu = process.cpuUsage(foldCpu0);
const foldWal = pg ? await walBytes(foldWal0 as string) : statSync(url.slice(7) + '-wal').size - (foldWal0 as number);
console.log(`  fold: ${folded} events: ${((foldCpu.user + foldCpu.system) / total).toFixed(1)} us CPU/hit, ${((foldWall * 1000) / total).toFixed(1)} us wall/hit, WAL ${(foldWal / total / 1024).toFixed(1)} KiB/hit`);
for (const [k, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 10)) console.log(`   ${((s.ms * 1000) / total).toFixed(1).padStart(6)} us/hit  ${String(s.n).padStart(6)}×  ${k}`);
await store.close();
