import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../test/support/ports.js';
import { buildServer } from '../web/build.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * What `npm start` and bin/ricochet run: the server compiled by tsc (tsconfig.build.json), run by
 * plain node with no TypeScript loader. It is compiled into a folder of its own inside dist/ (so that
 * packages resolve from node_modules and package.json makes .js an ES module), laid out like
 * dist/: server/ beside web/, where a stand-in of the built web app marks which folder is served.
 */
describe('the compiled CLI', () => {
  let build: string;
  let dataDir: string;
  beforeAll(async () => {
    mkdirSync(join(root, 'dist'), { recursive: true });
    build = mkdtempSync(join(root, 'dist', 'compiled-test-'));
    dataDir = mkdtempSync(join(tmpdir(), 'ricochet-compiled-'));
    await buildServer(join(build, 'server'));
    mkdirSync(join(build, 'web'));
    writeFileSync(join(build, 'web', 'index.html'), '<!doctype html><title>compiled stand-in</title><div id="root"></div>');
  }, 180_000); // tsc typechecks and emits the whole server: seconds, more on a busy machine
  afterAll(() => {
    rmSync(build, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('migrates a fresh SQLite database and writes to it, then serves /healthz and the web app built beside it', async () => {
    const main = join(build, 'server', 'main.js');
    const port = await freePort();
    const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'silent', SECRET: '' };

    const run = (...args: string[]) => promisify(execFile)(process.execPath, [main, ...args], { env, cwd: tmpdir() });
    expect((await run('migrate')).stdout).toContain('001_initial'); // the migrations are in the build
    const created = await run('apikey', 'create', 'compiled');
    expect(created.stdout.trim().split('\n').pop()).toMatch(/^rk_[A-Za-z0-9_-]{43}$/);

    const server = spawn(process.execPath, [main, 'serve'], { env, cwd: tmpdir(), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    server.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => server.on('exit', (code) => done(code)));
    try {
      const baseUrl = `http://127.0.0.1:${port}`;
      let health: Response | undefined;
      for (let i = 0; !health && i < 300; i++) {
        health = await fetch(`${baseUrl}/healthz`).catch(() => undefined);
        if (server.exitCode !== null) throw new Error(`serve ended: ${stderr}`);
        if (!health) await new Promise((r) => setTimeout(r, 100));
      }
      expect(health?.status).toBe(200);
      expect(await health!.json()).toEqual({ ok: true, database: 'available', tracking: { behind: 0, lagMs: 0 } });

      const page = await fetch(`${baseUrl}/campaigns`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('compiled stand-in');
    } finally {
      server.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
