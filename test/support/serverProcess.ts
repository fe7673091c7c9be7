import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ricochetArgs } from './compiled.js';
import { freePort } from './ports.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export type Exit = { code: number | null; signal: NodeJS.Signals | null };

/** A real Ricochet process (`ricochet serve …`, the compiled server run by node, no wrapper) with /healthz watched while it runs. */
export interface ServerProcess {
  baseUrl: string;
  child: ChildProcess;
  /** Set once the process ended. */
  exit?: Exit;
  /** The end of its stderr, for the message of a failed assertion. */
  stderr: string;
  /** Every /healthz answer (status and JSON body), and the checks the process did not answer at all. */
  health: { answers: Array<{ status: number; body: unknown }>; refused: number };
  /** Resolves once /healthz answered `status`. */
  healthBecomes(status: number, timeoutMs?: number): Promise<void>;
  /** Stops watching /healthz, then SIGTERM; resolves with how it exited. */
  stop(): Promise<Exit>;
}

export async function startServerProcess(args: string[], env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ricochetArgs(...args), {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'silent', ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const server: ServerProcess = {
    baseUrl: `http://127.0.0.1:${port}`,
    child,
    stderr: '',
    health: { answers: [], refused: 0 },
    healthBecomes: async () => {},
    stop: async () => server.exit!,
  };
  child.stderr!.on('data', (chunk: Buffer) => (server.stderr = (server.stderr + chunk.toString()).slice(-5000)));
  const exited = new Promise<Exit>((done) => child.on('exit', (code, signal) => done((server.exit = { code, signal }))));
  for (let i = 0; ; i++) {
    if (await fetch(`${server.baseUrl}/healthz`).then((r) => r.ok, () => false)) break;
    if (server.exit || i > 600) throw new Error(`the server did not start: ${server.stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }

  let watching = true;
  const watcher = (async () => {
    while (watching && !server.exit) {
      try {
        const response = await fetch(`${server.baseUrl}/healthz`);
        server.health.answers.push({ status: response.status, body: await response.json() });
      } catch {
        server.health.refused++;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  server.healthBecomes = async (status, timeoutMs = 60_000) => {
    for (const end = Date.now() + timeoutMs; Date.now() < end; ) {
      if (server.health.answers.at(-1)?.status === status) return;
      if (server.exit) throw new Error(`the server ended: ${server.stderr}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`/healthz did not answer ${status} within ${timeoutMs} ms`);
  };
  server.stop = async () => {
    watching = false;
    await watcher;
    if (!server.exit) child.kill('SIGTERM');
    return exited;
  };
  return server;
}
