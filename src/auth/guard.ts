import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Store } from '../db/connection.js';
import { unauthorized } from '../http/errors.js';
import { verifyApiKey } from './apiKeys.js';

/** Paths under /api that answer without credentials. */
const PUBLIC_API_PATHS = new Set(['/api/openapi.json']);

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

/** Every /api route needs a valid API key; a missing and a wrong key get the same 401. */
export function registerApiGuard(app: FastifyInstance, store: Store): void {
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0]!;
    if (!path.startsWith('/api/') || PUBLIC_API_PATHS.has(path)) return;
    const key = bearer(request);
    if (key && (await verifyApiKey(store, key)) !== undefined) return;
    throw unauthorized();
  });
}
