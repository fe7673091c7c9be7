import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, sql, SqliteDialect, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import { postgresDialect, sqliteDialect, type Dialect } from './dialect.js';
import type { Database } from './schema.js';

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  close(): Promise<void>;
}

// Ids, counts and millisecond times are bigint in PostgreSQL; all stay below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

/**
 * better-sqlite3 with its prepared statements kept by SQL text: Kysely prepares
 * every query anew, and preparing costs as much as running a small statement.
 * Safe because Kysely runs one query at a time on the connection.
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      let statement = statements.get(text);
      if (!statement) {
        if (statements.size >= 500) statements.clear();
        statement = sqlite.prepare(text);
        statements.set(text, statement);
      }
      return statement;
    },
  };
}

export function openStore(databaseUrl: string, options: { poolSize?: number } = {}): Store {
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length) || ':memory:';
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    // NORMAL in WAL mode survives any process crash (kill -9); only an OS crash can lose the last commits.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 10000');
    sqlite.pragma('foreign_keys = ON');
    // Deleted and overwritten values are zeroed, not left in free space: an erased contact stays erased in the file.
    sqlite.pragma('secure_delete = ON');
    sqlite.pragma('cache_size = -16384'); // 16 MiB per connection: views stay fast, a worker stays small
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    return { db, dialect: sqliteDialect, close: () => db.destroy() };
  }
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    // A server that does not answer (failover, network) fails the connection attempt instead of holding it for minutes.
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // A restart, failover or dropped connection is also emitted as 'error' on the client, and an 'error'
  // event nobody listens to ends the process. Idle clients are the pool's (pool.on('error')); a client
  // checked out (in a transaction, a long query) has only this listener. The query in flight fails by
  // itself and its caller retries or reports it; the pool discards the broken client.
  pool.on('connect', (client) => client.on('error', () => {}));
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: postgresDialect, close: () => db.destroy() };
}

const TRANSIENT_CODES = new Set([
  // The connection itself: refused while the server restarts, reset or cut by a failover, name not resolved yet.
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  // PostgreSQL: shutting down or starting up, too many connections, serialisation failure, deadlock.
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '40001',
  '40P01',
  // SQLite: another writer held the lock past busy_timeout.
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
]);

/**
 * Whether a database error is worth retrying as is: the server went away or was
 * briefly unable to answer, as opposed to a query that is wrong and will fail again.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (TRANSIENT_CODES.has(code) || code.startsWith('08'))) return true;
  // pg reports a lost connection, a connection timeout and a client unusable since then by message only.
  if (/^Connection terminated|timeout exceeded when trying to connect|is not queryable/.test(error.message)) return true;
  // Node reports a refused connection to each address of a name (IPv4 and IPv6) together.
  return error instanceof AggregateError && error.errors.some(isTransientDatabaseError);
}

/** Whether the database answers a trivial query within `timeoutMs`: what /healthz reports. */
export async function databaseAnswers(store: Store, timeoutMs = 2_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([sql`select 1`.execute(store.db).then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
