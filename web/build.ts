import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const web = fileURLToPath(new URL('.', import.meta.url));
const root = join(web, '..');
const output = join(root, 'dist', 'web', 'index.html');

/** The sources the web app is built from: its own folder, the server code it shares, and the installed packages. */
const inputs = [join(web, 'src'), join(web, 'public'), join(web, 'index.html'), join(web, 'vite.config.ts'), join(root, 'src', 'delivery', 'sms'), join(root, 'package-lock.json')];

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}

const fresh = () => existsSync(output) && statSync(output).mtimeMs >= Math.max(...inputs.map(newest));

/** One build at a time (browser test files run in parallel): a lock folder, taken over when left by a dead build. */
async function withBuildLock(run: () => Promise<void>): Promise<void> {
  const lock = join(root, 'dist', '.web-build.lock');
  mkdirSync(join(root, 'dist'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    await run();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds the web app unless the last build is newer than every source: `npm start` stays quick. */
export async function ensureWebBuild(options: { quiet?: boolean } = {}): Promise<void> {
  if (fresh()) return;
  await withBuildLock(async () => {
    if (fresh()) return;
    await build(options);
  });
}

async function build(options: { quiet?: boolean }): Promise<void> {
  if (!options.quiet) console.log('Building the web app…');
  // A process of its own, so that a caller's NODE_ENV (vitest sets "test") never yields a development build.
  const vite = join(createRequire(import.meta.url).resolve('vite/package.json'), '..', 'bin', 'vite.js');
  await promisify(execFile)(process.execPath, [vite, 'build', '--config', join(web, 'vite.config.ts'), '--logLevel', options.quiet ? 'error' : 'warn'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await ensureWebBuild({ quiet: process.argv.includes('--quiet') });
}
