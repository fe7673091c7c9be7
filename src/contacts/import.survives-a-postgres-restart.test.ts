import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privatePostgresUnavailable, startPrivatePostgres, type PrivatePostgres } from '../../test/support/privatePostgres.js';
import { startServerProcess } from '../../test/support/serverProcess.js';
import { createApiKey } from '../auth/apiKeys.js';
import { firstWorkspaceId } from '../auth/members.js';
import { openStore, type Store } from '../db/connection.js';
import { migrate } from '../db/migrate.js';

const ROWS = 300_000;

const skipped = privatePostgresUnavailable();
const describeRestart = skipped ? describe.skip : describe;

describeRestart(`a CSV import while PostgreSQL restarts [postgres]${skipped ? ` — skipped: ${skipped}` : ''}`, () => {
  let postgres: PrivatePostgres;
  let store: Store;
  let dataDir: string;
  let databaseUrl: string;
  beforeAll(async () => {
    // A server of its own: restarting the shared one would break the suites running on it meanwhile.
    postgres = await startPrivatePostgres();
    databaseUrl = await postgres.createDatabase('imports');
    dataDir = mkdtempSync(join(tmpdir(), 'ricochet-import-restart-'));
    store = openStore(databaseUrl);
    await migrate(store);
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await postgres?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts again once the database is back and finishes with every row, in a process that stays up', async () => {
    const workspaceId = await firstWorkspaceId(store);
    const { key } = await createApiKey(store, 'test', { workspaceId });
    const list = await store.db.insertInto('lists').values({ workspace_id: workspaceId, name: 'Imported', created_at: Date.now() }).returning('id').executeTakeFirstOrThrow();
    const server = await startServerProcess(['serve', '--no-worker'], { DATABASE_URL: databaseUrl, DATA_DIR: dataDir, SECRET: 'import-restart-secret-0123456789-abcdef' });
    try {
      const get = (path: string) =>
        fetch(server.baseUrl + path, { headers: { authorization: `Bearer ${key}` } }).then(async (r) => ({ status: r.status, body: await r.json() }), () => ({ status: 0, body: undefined }));
      const csv = ['Email,First Name', ...Array.from({ length: ROWS }, (_, i) => `p${i}@example.test,P${i}`)].join('\n');
      const form = new FormData();
      form.append('listId', String(list.id));
      form.append('file', new Blob([csv]), 'contacts.csv');
      const upload = await fetch(`${server.baseUrl}/api/imports`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form });
      expect(upload.status).toBe(202);
      const { id } = (await upload.json()) as { id: number };

      let before: { status: string; processed: number } | undefined;
      for (const end = Date.now() + 120_000; Date.now() < end; ) {
        before = (await get(`/api/imports/${id}`)).body;
        if (before?.status !== 'queued' && (before?.processed ?? 0) >= 10_000) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      // The restart comes in the middle of the import.
      expect(before).toMatchObject({ status: 'running' });
      expect(before!.processed).toBeLessThan(ROWS / 2);
      await postgres.restart();

      let job: any;
      for (const end = Date.now() + 180_000; Date.now() < end && !server.exit; ) {
        const answer = await get(`/api/imports/${id}`);
        if (answer.status === 200) job = answer.body;
        if (job?.status === 'done' || job?.status === 'failed') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const exitBeforeStop = server.exit;
      const exitOnStop = await server.stop();

      expect(exitBeforeStop, `the process ended by itself: ${server.stderr}`).toBeUndefined();
      expect(exitOnStop).toEqual({ code: 0, signal: null });
      // Started again from the top: rows written before the restart count as updated the second time.
      expect(job).toMatchObject({ status: 'done', total: ROWS, processed: ROWS, skipped: 0 });
      expect(job.imported + job.updated).toBe(ROWS);
      const contacts = await store.db.selectFrom('contacts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const members = await store.db.selectFrom('list_members').select((eb) => eb.fn.countAll<number>().as('n')).where('list_id', '=', list.id).executeTakeFirstOrThrow();
      expect(Number(contacts.n)).toBe(ROWS);
      expect(Number(members.n)).toBe(ROWS);
    } finally {
      if (!server.exit) server.child.kill('SIGKILL');
    }
  }, 400_000);
});
