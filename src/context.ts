import type { Config } from './config.js';
import { openStore, type Store } from './db/connection.js';
import type { Role } from './db/schema.js';
import { migrate } from './db/migrate.js';
import { loadSecret } from './secret.js';

/**
 * Work that runs in the background of this process (an import…), keyed so that it
 * is not started twice. Stopping is for shutdown: every job's signal aborts, jobs
 * end at their next safe point, and stopAll waits for them; jobs started after
 * that get a signal already aborted.
 */
export class Jobs {
  private readonly running = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();

  /** Starts `job` unless one with this key is running. A job records its own failure: one that throws is an error nobody handled. */
  start(key: string, job: (stop: AbortSignal) => Promise<void>): void {
    if (this.running.has(key)) return;
    this.running.set(key, job(this.stopping.signal).finally(() => this.running.delete(key)));
  }

  async stopAll(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled(this.running.values());
  }
}

/** What every feature receives: the store, the configuration, the clock, the tracking secret and the background jobs. */
export interface AppContext {
  store: Store;
  config: Config;
  /** Milliseconds since the epoch; tests replace it to move time. */
  now: () => number;
  /** Key for tracking tokens (HMAC-SHA256). */
  secret: Buffer;
  /** Background jobs of this process: each context has its own, so stopping one app stops nothing of another. */
  jobs: Jobs;
}

/** Who acts: a signed-in user, an API key, or Ricochet itself (the scheduler, the CLI). */
export interface Actor {
  type: 'user' | 'apikey' | 'system';
  id: number | null;
  /** The user's email or the key's name: what the audit log shows. */
  name: string;
}

export const SYSTEM: Actor = { type: 'system', id: null, name: 'Ricochet' };

/**
 * An AppContext acting inside one workspace: what every feature's logic receives. Every
 * query of a workspace's objects filters on workspaceId, so that another workspace's
 * object is as absent as a missing one. The guard builds it for each request (`req.ctx`);
 * background work builds it from the row it works on.
 */
export interface WorkspaceContext extends AppContext {
  workspaceId: number;
  role: Role;
  actor: Actor;
}

export function inWorkspace(ctx: AppContext, workspaceId: number, actor: Actor = SYSTEM, role: Role = 'owner'): WorkspaceContext {
  return { store: ctx.store, config: ctx.config, now: ctx.now, secret: ctx.secret, jobs: ctx.jobs, workspaceId, role, actor };
}

/** Opens the database, applies migrations and gathers what every feature needs. */
export async function createContext(config: Config, options: { migrate?: boolean } = {}): Promise<AppContext> {
  const store = openStore(config.databaseUrl);
  if (options.migrate !== false) await migrate(store);
  return { store, config, now: Date.now, secret: loadSecret(config), jobs: new Jobs() };
}
