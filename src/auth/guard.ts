import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, unauthorized } from '../http/errors.js';
import '../http/access.js';
import type { AppContext } from '../context.js';
import { verifyApiKey } from './apiKeys.js';
import { csrfMatches, findSession, sessionToken, type SessionUser } from './sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user when the request came with a session cookie (the web app); undefined for API keys. */
    sessionUser?: SessionUser;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

/**
 * Deny by default, decided on the route Fastify matched (never on the raw URL, which
 * may be percent-encoded or in absolute form): a route answers without credentials
 * only when its own declaration says `config: PUBLIC`. Every other route needs a valid
 * API key (scripts) or a session cookie (the web app); a missing and a wrong credential
 * get the same 401. A session on an unsafe method also needs its CSRF token in the
 * X-CSRF-Token header. A request that matched no route has nothing to protect and gets
 * the ordinary 404.
 */
export function registerApiGuard(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('sessionUser', undefined);
  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions;
    if (route.url === undefined || route.config.access === 'public') return;
    const key = bearer(request);
    if (key !== undefined) {
      if ((await verifyApiKey(ctx.store, key)) !== undefined) return;
      throw unauthorized();
    }
    const token = sessionToken(request);
    const session = token ? await findSession(ctx.store, token, ctx.now()) : undefined;
    if (!session) throw unauthorized();
    if (!SAFE_METHODS.has(request.method) && !csrfMatches(request, session)) {
      throw new AppError(403, 'csrf_failed', 'The X-CSRF-Token header is missing or does not match this session');
    }
    request.sessionUser = session;
  });
}
