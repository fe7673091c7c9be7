import type { Config } from './config.js';
import { openStore } from './db/connection.js';
import { migrate } from './db/migrate.js';
import type { AppContext } from './http/context.js';
import { loadSecret } from './tracking/secret.js';

/** Opens the database, applies migrations and gathers what every feature needs. */
export async function createContext(config: Config, options: { migrate?: boolean } = {}): Promise<AppContext> {
  const store = openStore(config.databaseUrl);
  if (options.migrate !== false) await migrate(store);
  return { store, config, now: Date.now, secret: loadSecret(config) };
}
