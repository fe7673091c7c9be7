import { buildApp, type AppOptions } from '../../src/app.js';
import { createApiKey } from '../../src/auth/apiKeys.js';
import { loadConfig, type Config } from '../../src/config.js';
import { openStore } from '../../src/db/connection.js';
import { migrate } from '../../src/db/migrate.js';
import { inWorkspace, Jobs, type WorkspaceContext } from '../../src/context.js';
import { foldAll } from '../../src/tracking/fold.js';
import type { Api } from '../../src/http/api.js';
import { freshDatabase, type DatabaseKind } from './databases.js';
import { afterAll, beforeAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestApp {
  /** The app's context inside the first workspace (the one the test's API key belongs to), acting as Ricochet itself. */
  ctx: WorkspaceContext;
  app: Api;
  /** http://127.0.0.1:<port> of the real listening socket. */
  baseUrl: string;
  apiKey: string;
  /** Moves the clock that the app sees. */
  clock: { now: number; advance(ms: number): void; real(): void };
  /** Calls the API over HTTP with the test's API key; JSON in, parsed JSON out. */
  api: ApiCall;
  /** The same, with another API key (of another workspace or role: see test/support/workspaces.ts). */
  apiWith(key: string): ApiCall;
  /** Waits until every tracking event committed so far is folded into the counters (the folder runs in the background). */
  folded(): Promise<void>;
  close(): Promise<void>;
}

export type ApiCall = <T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; body: T; headers: Headers }>;

/** Calls a Ricochet API over HTTP with this key (or these credential headers: a session's cookie and CSRF token); JSON in, parsed JSON out (raw text when not JSON). */
export function apiCall(baseUrl: string, credentials: string | Record<string, string>): ApiCall {
  const sent = typeof credentials === 'string' ? { authorization: `Bearer ${credentials}` } : credentials;
  return async (method, path, body, headers = {}) => {
    const response = await fetch(baseUrl + path, {
      method,
      headers: {
        ...sent,
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: the raw text is returned
    }
    return { status: response.status, body: parsed as any, headers: response.headers };
  };
}

/** A real Ricochet over a real socket on a fresh database of the given kind. */
export async function startTestApp(kind: DatabaseKind, env: Record<string, string> = {}, appOptions: AppOptions = {}): Promise<TestApp> {
  const database = await freshDatabase(kind);
  const dataDir = mkdtempSync(join(tmpdir(), 'ricochet-data-'));
  const config: Config = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: database.url, LOG_LEVEL: process.env.TEST_LOG === '1' ? 'error' : 'silent', SECRET: 'test-secret-that-is-long-enough-0123456789', ...env });
  const store = openStore(config.databaseUrl);
  await migrate(store);
  let fixed: number | undefined;
  const clock = {
    get now() {
      return fixed ?? Date.now();
    },
    set now(value: number) {
      fixed = value;
    },
    advance(ms: number) {
      fixed = (fixed ?? Date.now()) + ms;
    },
    real() {
      fixed = undefined;
    },
  };
  const ctx = inWorkspace({ store, config, now: () => clock.now, secret: Buffer.from(config.secret!), jobs: new Jobs() }, 1);
  const app = await buildApp(ctx, { logger: process.env.TEST_LOG === '1', ...appOptions });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const { key: apiKey } = await createApiKey(store, 'test');
  return {
    ctx,
    app,
    baseUrl,
    apiKey,
    clock,
    api: apiCall(baseUrl, apiKey),
    apiWith: (key) => apiCall(baseUrl, key),
    async folded() {
      await foldAll(ctx);
    },
    async close() {
      await app.close();
      await store.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * startTestApp for a whole suite: the app starts before the suite's tests and closes
 * after them. The object is returned at once, to be kept in a const, and is filled
 * in when the app has started.
 */
export function useTestApp(kind: DatabaseKind, env: Record<string, string> = {}, appOptions: AppOptions = {}): TestApp {
  const t = {} as TestApp;
  beforeAll(async () => {
    Object.assign(t, await startTestApp(kind, env, appOptions));
  });
  afterAll(() => t.close?.());
  return t;
}
