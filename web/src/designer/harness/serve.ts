/**
 * Builds and serves the designer's harness page (index.html here) for the frame-rate bench and
 * the designer's Chromium tests. Node code: nothing in the app imports it.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const CONFIG = fileURLToPath(new URL('./vite.config.ts', import.meta.url));
const OUT = join(root, 'dist', 'designer-bench');
const require = createRequire(import.meta.url);

/** Builds the page in production mode, in a process of its own (as web/build.ts does for the app: a caller's NODE_ENV never yields a development build). */
export async function buildHarness(): Promise<void> {
  const vite = join(require.resolve('vite/package.json'), '..', 'bin', 'vite.js');
  await promisify(execFile)(process.execPath, [vite, 'build', '--config', CONFIG, '--logLevel', 'error'], { cwd: root, env: { ...process.env, NODE_ENV: 'production' } });
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };

/** Serves the built page; with `api`, /api goes through to that Ricochet with its API key (otherwise it answers 404). */
export async function serveHarness(api?: { baseUrl: string; apiKey: string }): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0]!;
      if (path.startsWith('/api/')) {
        if (!api) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"not_found","message":"No API behind this page"}}');
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const headers: Record<string, string> = { authorization: `Bearer ${api.apiKey}` };
        if (req.headers['content-type']) headers['content-type'] = req.headers['content-type'];
        const answer = await fetch(api.baseUrl + req.url, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/octet-stream' });
        return void res.end(Buffer.from(await answer.arrayBuffer()));
      }
      const file = normalize(join(OUT, path === '/' ? 'index.html' : path));
      if (!file.startsWith(OUT) || !existsSync(file)) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
    })().catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
