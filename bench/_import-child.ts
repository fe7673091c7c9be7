/** One import in a process of its own, so that its peak RSS is its own. Prints one JSON line. */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { loadConfig } from '../src/config.js';
import { createContext, inWorkspace } from '../src/context.js';
import { getImport, queueImport } from '../src/contacts/importJobs.js';

const [mode, databaseUrl, csvPath, dataDir] = process.argv.slice(2);
const started = performance.now();
if (mode === 'parse') {
  let rows = 0;
  for await (const _ of createReadStream(csvPath!).pipe(parse({ from_line: 2 }))) rows++;
  console.log(JSON.stringify({ rows, seconds: (performance.now() - started) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
} else {
  const ctx = inWorkspace(await createContext(loadConfig({ DATABASE_URL: databaseUrl, DATA_DIR: dataDir, LOG_LEVEL: 'silent' })), 1);
  const list = await ctx.store.db.insertInto('lists').values({ workspace_id: 1, name: 'bench', created_at: Date.now() }).returning('id').executeTakeFirstOrThrow();
  // A copy, because a finished import deletes its file.
  const { copyFileSync } = await import('node:fs');
  const copy = `${dataDir}/upload.csv`;
  copyFileSync(csvPath!, copy);
  const t0 = performance.now();
  const { id } = await queueImport(ctx, { path: copy, filename: 'bench.csv', listId: list.id, mapping: undefined });
  let job = await getImport(ctx, id);
  while (job.status !== 'done' && job.status !== 'failed') {
    await new Promise((r) => setTimeout(r, 200));
    job = await getImport(ctx, id);
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ rows: job.imported + job.updated, skipped: job.skipped, status: job.status, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
  await ctx.store.close();
}
