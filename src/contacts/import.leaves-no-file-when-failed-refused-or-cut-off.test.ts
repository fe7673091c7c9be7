import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { importFinished, spooledFiles, uploadCsv } from '../../test/support/imports.js';
import { resumeImports } from './importJobs.js';

const until = async (what: string, done: () => boolean) => {
  for (let i = 0; i < 400 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  return done() ? what : `still waiting for ${what}`;
};

describeEachDatabase('import uploads leave no file behind', (kind) => {
  let t: TestApp;
  let listId: number;
  beforeAll(async () => {
    t = await startTestApp(kind, { MAX_UPLOAD_MB: '1' });
    listId = (await t.api('POST', '/api/lists', { name: 'Imported' })).body.id;
  });
  afterAll(() => t.close());

  it('refuses a file over MAX_UPLOAD_MB with a 413 naming the limit, and keeps nothing of it', async () => {
    const row = 'someone@example.com,Someone\n';
    const csv = 'email,first name\n' + row.repeat(Math.ceil((1.5 * 1024 * 1024) / row.length));
    const response = await uploadCsv(t, csv, { listId: String(listId) });
    expect(response.status).toBe(413);
    expect(response.body.error).toMatchObject({ code: 'file_too_large', path: 'file' });
    expect(response.body.error.message).toMatch(/1 MB/);
    expect(spooledFiles(t)).toEqual([]);
    expect((await t.ctx.store.db.selectFrom('imports').select('id').execute()).length).toBe(0);
    expect((await t.api('GET', '/api/contacts?search=someone@')).body.total).toBe(0);
  });

  it('deletes the file of an import that fails', async () => {
    const csv = 'email,note\nann@example.com,fine\nbob@example.com,"never closed\ncy@example.com,x\n';
    const queued = await uploadCsv(t, csv, { listId: String(listId) });
    expect(queued.status).toBe(202);
    const job = await importFinished(t, queued.body.id);
    expect(job.status).toBe('failed');
    expect(spooledFiles(t)).toEqual([]);
    const row = await t.ctx.store.db.selectFrom('imports').select('file_path').where('id', '=', queued.body.id).executeTakeFirstOrThrow();
    expect(row.file_path).toBeNull();
  });

  it('deletes the partial file of an upload cut off by the client', async () => {
    const boundary = 'cut-off-boundary';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="listId"\r\n\r\n${listId}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\nemail\n`;
    const url = new URL('/api/imports', t.baseUrl);
    const req = request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': 900_000 },
    });
    req.on('error', () => {});
    try {
      req.write(head + 'someone@example.com\n'.repeat(10_000));
      expect(await until('the upload to start spooling', () => spooledFiles(t).length === 1)).toBe('the upload to start spooling');
    } finally {
      req.destroy();
    }
    expect(await until('the partial file to go', () => spooledFiles(t).length === 0)).toBe('the partial file to go');
  });

  it('removes at start-up the partial file of an upload a crash cut short, not one still arriving', async () => {
    const dir = join(t.ctx.config.dataDir, 'imports');
    mkdirSync(dir, { recursive: true });
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    writeFileSync(join(dir, 'cut-by-a-crash.csv'), 'email\nsomeone@example.com\n');
    utimesSync(join(dir, 'cut-by-a-crash.csv'), twoHoursAgo, twoHoursAgo);
    writeFileSync(join(dir, 'arriving.csv'), 'email\n');
    await resumeImports(t.ctx);
    expect(spooledFiles(t)).toEqual(['arriving.csv']);
    rmSync(join(dir, 'arriving.csv'));
  });
});
