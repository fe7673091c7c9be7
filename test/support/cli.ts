import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import { openStore, type Store } from '../../src/db/connection.js';
import { migrate } from '../../src/db/migrate.js';
import { freshDatabase, type DatabaseKind } from './databases.js';

const cli = fileURLToPath(new URL('../../bin/ricochet', import.meta.url));
const run = promisify(execFile);

export interface CliDatabase {
  /** The store of the database the CLI runs against, to check what it wrote. */
  store: Store;
  /** Runs `bin/ricochet` (the compiled CLI users run) with these arguments against the database. */
  ricochet(...args: string[]): Promise<{ stdout: string; stderr: string }>;
}

/** A fresh migrated database for a suite of CLI commands, dropped after it; filled in before the suite's tests. */
export function useCliDatabase(kind: DatabaseKind): CliDatabase {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  const t = {
    ricochet: (...args: string[]) => run(cli, args, { env: { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'silent' } }),
  } as unknown as CliDatabase;
  beforeAll(async () => {
    database = await freshDatabase(kind);
    t.store = openStore(database.url);
    await migrate(t.store);
  });
  afterAll(async () => {
    await t.store?.close();
    await database?.drop();
  });
  return t;
}
