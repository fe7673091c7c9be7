import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { importFinished, uploadCsv } from '../../test/support/imports.js';

describeEachDatabase('two apps in one process', (kind) => {
  let shuttingDown: TestApp;
  let serving: TestApp;
  beforeAll(async () => {
    shuttingDown = await startTestApp(kind);
    serving = await startTestApp(kind);
  });
  afterAll(async () => {
    await shuttingDown?.close();
    await serving?.close();
  });

  it('stopping the imports of one leaves the other importing to the end', async () => {
    await shuttingDown.ctx.jobs.stopAll();
    const list = await serving.api('POST', '/api/lists', { name: 'Imported' });
    const csv = ['email,first name', ...Array.from({ length: 2500 }, (_, i) => `p${i}@example.com,P${i}`)].join('\n');
    const upload = await uploadCsv(serving, csv, { listId: String(list.body.id) });
    expect(upload.status).toBe(202);
    expect(await importFinished(serving, upload.body.id)).toMatchObject({ status: 'done', total: 2500, imported: 2500, skipped: 0 });
    const imported = await serving.api('GET', `/api/lists/${list.body.id}`);
    expect(imported.body).toMatchObject({ size: 2500 });
  });
});
