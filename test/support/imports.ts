import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestApp } from './app.js';

/** POST /api/imports as a browser would: multipart with the fields, then the file. */
export async function uploadCsv(t: TestApp, csv: string | Buffer, fields: Record<string, string>): Promise<{ status: number; body: any }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([typeof csv === 'string' ? csv : new Uint8Array(csv)]), 'contacts.csv');
  const res = await fetch(`${t.baseUrl}/api/imports`, { method: 'POST', headers: { authorization: `Bearer ${t.apiKey}` }, body: form });
  return { status: res.status, body: await res.json() };
}

/** GET /api/imports/:id until the import is done or failed. */
export async function importFinished(t: TestApp, id: number): Promise<any> {
  for (let i = 0; i < 800; i++) {
    const { body } = await t.api('GET', `/api/imports/${id}`);
    if (body.status === 'done' || body.status === 'failed') return body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('import did not finish');
}

/** Files spooled under DATA_DIR/imports. */
export function spooledFiles(t: TestApp): string[] {
  const dir = join(t.ctx.config.dataDir, 'imports');
  return existsSync(dir) ? readdirSync(dir) : [];
}
