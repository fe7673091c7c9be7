/**
 * CSV import: a generated file imported into SQLite and PostgreSQL, rows/s and
 * peak RSS of the importing process, beside csv-parse alone reading the same file.
 * `npm run bench -- import [--rows=N]` (default 1,000,000; PostgreSQL when TEST_DATABASE_URL is set).
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase } from '../test/support/databases.js';

async function generate(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('email,first name,last name,phone,city,score\n');
  const cities = ['Paris', 'Lyon', 'Marseille', 'Lille', 'Nantes', 'Bordeaux'];
  for (let i = 0; i < rows; i++) {
    const line = `user${i}@example${i % 97}.com,First${i},"Last, ${i}",,${cities[i % cities.length]},${i % 100}\n`;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(resolve));
}

function child(args: string[]) {
  const output = execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '_import-child.ts'), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(output.trim().split('\n').pop()!);
}

export default async function (args: string[]) {
  const rows = Number(args.find((a) => a.startsWith('--rows='))?.slice(7) ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'ricochet-bench-import-'));
  const csv = join(dir, 'contacts.csv');
  await generate(csv, rows);
  const baseline = child(['parse', '', csv, dir]);
  console.log(`baseline csv-parse only: ${Math.round(baseline.rows / baseline.seconds).toLocaleString()} rows/s`);
  const kinds = process.env.TEST_DATABASE_URL ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);
  for (const kind of kinds) {
    const db = await freshDatabase(kind);
    const dataDir = mkdtempSync(join(dir, `${kind}-`));
    try {
      const r = child(['import', db.url, csv, dataDir]);
      const rate = r.rows / r.seconds;
      console.log(
        `${kind.padEnd(8)} ${r.rows.toLocaleString()} rows in ${r.seconds.toFixed(1)} s = ${Math.round(rate).toLocaleString()} rows/s ` +
          `(${((rate / (baseline.rows / baseline.seconds)) * 100).toFixed(0)}% of parse-only), peak RSS ${Math.round(r.maxRssMb)} MB, status ${r.status}`,
      );
    } finally {
      await db.drop();
    }
  }
  rmSync(dir, { recursive: true, force: true });
}
