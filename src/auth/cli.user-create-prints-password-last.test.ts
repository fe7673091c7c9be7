import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openStore, type Store } from '../db/connection.js';
import { migrate } from '../db/migrate.js';
import { describeEachDatabase, freshDatabase } from '../../test/support/databases.js';
import { authenticate } from './users.js';

const cli = fileURLToPath(new URL('../../bin/ricochet', import.meta.url));
const run = promisify(execFile);

describeEachDatabase('ricochet user create', (kind) => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let store: Store;
  beforeAll(async () => {
    database = await freshDatabase(kind);
    store = openStore(database.url);
    await migrate(store);
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  const ricochet = (...args: string[]) => run(cli, args, { env: { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'silent' } });

  it('prints a password on its last line that signs the new user in', async () => {
    const { stdout } = await ricochet('user', 'create', 'Owner@Example.com');
    const password = stdout.trim().split('\n').at(-1)!;
    expect(password).toMatch(/^[\w-]{24}$/);
    expect(await authenticate(store, 'owner@example.com', password)).toMatchObject({ email: 'owner@example.com' });
    expect(await authenticate(store, 'owner@example.com', password + 'x')).toBeUndefined();
  });

  it('refuses to create the same user twice, and resets a password on request', async () => {
    await expect(ricochet('user', 'create', 'owner@example.com')).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/already exists/) });
    const { stdout } = await ricochet('user', 'reset-password', 'owner@example.com');
    const password = stdout.trim().split('\n').at(-1)!;
    expect(await authenticate(store, 'owner@example.com', password)).toBeDefined();
  });
});
