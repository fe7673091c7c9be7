import { execFile } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './ports.js';

const run = promisify(execFile);

/**
 * A PostgreSQL server of a test's own: initdb into a temporary directory, its own
 * port and socket directory. Tests that stop or restart the server use it, so the
 * shared server (TEST_DATABASE_URL) and the suites running on it meanwhile never notice.
 */
export interface PrivatePostgres {
  /** postgres://… of a new, empty database on this server. */
  createDatabase(name: string): Promise<string>;
  /** pg_ctl restart -m fast: every connection is cut, the server is back when this resolves. */
  restart(): Promise<void>;
  /** pg_ctl stop -m fast: connections are cut and new ones refused until start(). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its directory. */
  destroy(): Promise<void>;
}

/** The server binaries (initdb, pg_ctl): PG_BINDIR, else the newest /usr/lib/postgresql/<version>/bin. */
function binaries(): string | undefined {
  if (process.env.PG_BINDIR) return existsSync(join(process.env.PG_BINDIR, 'pg_ctl')) ? process.env.PG_BINDIR : undefined;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')) && existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0]!, 'bin') : undefined;
}

const isRoot = () => process.getuid?.() === 0;

/** PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user. */
async function postgresUser(): Promise<{ uid: number; gid: number } | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

/** Why a private server cannot be started here, or undefined when it can. */
export function privatePostgresUnavailable(): string | undefined {
  if (!process.env.TEST_DATABASE_URL) return 'set TEST_DATABASE_URL to run the PostgreSQL suites';
  if (!binaries()) return 'no PostgreSQL server binaries (initdb, pg_ctl) found; set PG_BINDIR';
  if (isRoot() && !existsSync('/usr/sbin/runuser') && !existsSync('/sbin/runuser')) return 'running as root without runuser to start PostgreSQL as postgres';
  return undefined;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binaries();
  if (!bin) throw new Error('no PostgreSQL server binaries found');
  const owner = isRoot() ? await postgresUser() : undefined;
  if (isRoot() && !owner) throw new Error('running as root and there is no postgres user to run the server');
  const asServerUser = (command: string, args: string[]) =>
    owner ? run('runuser', ['-u', 'postgres', '--', join(bin, command), ...args]) : run(join(bin, command), args);

  const dir = mkdtempSync(join(tmpdir(), 'ricochet-pg-'));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  const port = await freePort();
  const pgCtl = (...args: string[]) => asServerUser('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', ...args]);

  await asServerUser('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  // Nothing here outlives the test: durability is traded for speed. A fast shutdown still checkpoints.
  appendFileSync(
    join(data, 'postgresql.conf'),
    [`port = ${port}`, `listen_addresses = '127.0.0.1'`, `unix_socket_directories = '${dir}'`, 'fsync = off', 'synchronous_commit = off', 'full_page_writes = off', 'max_connections = 50', 'shared_buffers = 32MB', ''].join('\n'),
  );
  await pgCtl('start');
  const url = (database: string) => `postgres://postgres:postgres@127.0.0.1:${port}/${database}`;

  return {
    async createDatabase(name) {
      const admin = new pg.Client({ connectionString: url('postgres') });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      return url(name);
    },
    restart: async () => void (await pgCtl('-m', 'fast', 'restart')),
    stop: async () => void (await pgCtl('-m', 'fast', 'stop')),
    start: async () => void (await pgCtl('start')),
    async destroy() {
      await pgCtl('-m', 'immediate', 'stop').catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
