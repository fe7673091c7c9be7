import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

const main = fileURLToPath(new URL('../../dist/server/main.js', import.meta.url));

/**
 * The arguments for `node` that run `ricochet <args>` as `npm start` and bin/ricochet do: the server
 * compiled into dist/server, which the run's global setup (test/support/globalSetup.ts) brought up to
 * date with src/ before the tests started. Such a process starts in about half the time it takes under
 * the tsx loader, and it is a single process, so a signal sent to it reaches Ricochet itself.
 */
export function ricochetArgs(...args: string[]): string[] {
  const failure = inject('serverBuildFailure');
  if (failure) throw new Error(failure);
  return [main, ...args];
}
