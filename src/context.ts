import type { Config } from './config.js';
import { openStore, type Store } from './db/connection.js';
import { migrate } from './db/migrate.js';
import { loadSecret } from './secret.js';

/** What every feature receives: the store, the configuration, the clock and the tracking secret. */
export interface AppContext {
  store: Store;
  config: Config;
  /** Milliseconds since the epoch; tests replace it to move time. */
  now: () => number;
  /** Key for tracking tokens (HMAC-SHA256). */
  secret: Buffer;
}

/** Opens the database, applies migrations and gathers what every feature needs. */
export async function createContext(config: Config, options: { migrate?: boolean } = {}): Promise<AppContext> {
  const store = openStore(config.databaseUrl);
  if (options.migrate !== false) await migrate(store);
  return { store, config, now: Date.now, secret: loadSecret(config) };
}
