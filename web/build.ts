/**
 * Builds what `npm start` and `bin/ricochet` run, each part only when one of its sources is newer
 * than its last build, so that a start with nothing changed stays quick:
 * - the server: TypeScript compiled to JavaScript by tsc (tsconfig.build.json) into dist/server;
 * - the web app: bundled by Vite into dist/web.
 *
 * `tsx web/build.ts` builds what is out of date; `--force` rebuilds both (`npm run build`);
 * `--server` or `--web` limits it to one part; `--quiet` prints only errors.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const web = fileURLToPath(new URL('.', import.meta.url));
const root = join(web, '..');
const dist = join(root, 'dist');
const require = createRequire(import.meta.url);

interface Part {
  name: string;
  /** Written last, dated from the start of the build that wrote it. */
  stamp: string;
  /** Files and folders whose newest modification (entries added or removed included) means a rebuild. */
  inputs: string[];
  build(options: BuildOptions): Promise<void>;
}

interface BuildOptions {
  quiet?: boolean;
}

const lockfile = join(root, 'package-lock.json');

const server: Part = {
  name: 'server',
  stamp: join(dist, 'server', '.built'),
  inputs: [join(root, 'src'), join(root, 'tsconfig.json'), join(root, 'tsconfig.build.json'), lockfile],
  build: async () => {
    // Compiled beside, then swapped in whole: no file left from a deleted source, and a failed build keeps the last good one.
    const next = join(dist, `server.${process.pid}`);
    const started = new Date();
    rmSync(next, { recursive: true, force: true });
    try {
      await buildServer(next);
      writeFileSync(join(next, '.built'), '');
      utimesSync(join(next, '.built'), started, started);
      rmSync(join(dist, 'server'), { recursive: true, force: true });
      renameSync(next, join(dist, 'server'));
    } finally {
      rmSync(next, { recursive: true, force: true });
    }
  },
};

const webApp: Part = {
  name: 'web app',
  stamp: join(dist, 'web', 'index.html'),
  // Its own folder, the server code it shares, and the installed packages.
  inputs: [join(web, 'src'), join(web, 'public'), join(web, 'index.html'), join(web, 'vite.config.ts'), join(root, 'src', 'delivery', 'sms'), join(root, 'src', 'contacts', 'importRules.ts'), lockfile],
  build: async (options) => {
    // A process of its own, so that a caller's NODE_ENV (vitest sets "test") never yields a development build.
    const vite = join(require.resolve('vite/package.json'), '..', 'bin', 'vite.js');
    await promisify(execFile)(process.execPath, [vite, 'build', '--config', join(web, 'vite.config.ts'), '--logLevel', options.quiet ? 'error' : 'warn'], {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'production' },
    });
  },
};

/**
 * Compiles src/ (tests excluded) into `outDir` with tsc, type errors included: a server that does
 * not typecheck is not built. Tests compile into a folder of their own with it.
 */
export async function buildServer(outDir: string): Promise<void> {
  const tsc = join(require.resolve('typescript/package.json'), '..', 'bin', 'tsc');
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir], { cwd: root });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`The server did not compile:\n${stdout ?? ''}${stderr ?? ''}`, { cause: error });
  }
}

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}

const fresh = (part: Part) => existsSync(part.stamp) && statSync(part.stamp).mtimeMs >= Math.max(...part.inputs.map(newest));

/** One build of a part at a time (npm start, bin/ricochet and test files may ask at once): a lock folder, taken over when left by a dead build. */
async function withBuildLock(part: Part, run: () => Promise<void>): Promise<void> {
  const lock = join(dist, `.${part.name.replace(/\W+/g, '-')}-build.lock`);
  mkdirSync(dist, { recursive: true });
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

async function ensure(part: Part, options: BuildOptions & { force?: boolean }): Promise<void> {
  if (!options.force && fresh(part)) return;
  await withBuildLock(part, async () => {
    if (!options.force && fresh(part)) return;
    if (!options.quiet) console.log(`Building the ${part.name}…`);
    await part.build(options);
  });
}

/** Builds the web app unless the last build is newer than every source. */
export const ensureWebBuild = (options: BuildOptions = {}) => ensure(webApp, options);

/** Compiles the server into dist/server unless the last build is newer than every source. */
export const ensureServerBuild = (options: BuildOptions = {}) => ensure(server, options);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const flags = process.argv.slice(2);
  const options = { quiet: flags.includes('--quiet'), force: flags.includes('--force') };
  const only = flags.includes('--server') ? [server] : flags.includes('--web') ? [webApp] : [server, webApp];
  try {
    for (const part of only) await ensure(part, options);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
