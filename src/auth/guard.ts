import type { FastifyInstance, FastifyRequest } from 'fastify';
import { may } from '../http/access.js';
import { AppError, badRequest, notFound, unauthorized } from '../http/errors.js';
import { inWorkspace, type AppContext, type WorkspaceContext } from '../context.js';
import { verifyApiKey } from './apiKeys.js';
import { membership } from './members.js';
import { csrfMatches, findSession, sessionToken, type SessionUser } from './sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user when the request came with a session cookie (the web app); undefined for API keys. */
    sessionUser?: SessionUser;
    /**
     * The app context inside the caller's workspace, with their role and who they are: what a
     * private route hands to its feature. Undefined on public routes, and on account routes for
     * a user who belongs to no workspace.
     */
    ctx: WorkspaceContext;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const WORKSPACE_HEADER = 'x-workspace';

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

/** The workspace named by X-Workspace; undefined when absent. */
function namedWorkspace(request: FastifyRequest): number | undefined {
  const header = request.headers[WORKSPACE_HEADER];
  if (header === undefined) return undefined;
  const id = typeof header === 'string' && /^[1-9]\d{0,15}$/.test(header.trim()) ? Number(header) : NaN;
  if (!Number.isSafeInteger(id)) throw badRequest('The X-Workspace header must be a workspace id', 'headers.x-workspace');
  return id;
}

const workspaceNotFound = () => notFound('Workspace');

/**
 * Deny by default, decided on the route Fastify matched (never on the raw URL, which
 * may be percent-encoded or in absolute form), in two steps:
 * 1. who: a route answers without credentials only when its own declaration says
 *    `config: PUBLIC`. Every other route needs a valid API key (scripts) or a session
 *    cookie (the web app); a missing and a wrong credential get the same 401. A session on
 *    an unsafe method also needs its CSRF token in the X-CSRF-Token header.
 * 2. what: the caller's role in their workspace (the key's own; for a user, the workspace
 *    named by X-Workspace, by default their first) must have the right the route declares
 *    (src/http/access.ts), else 403 `forbidden`; a route that declares none is for owners.
 *    A workspace the caller is not in answers 404, as one that does not exist.
 * A request that matched no route has nothing to protect and gets the ordinary 404.
 */
export function registerApiGuard(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('sessionUser', undefined);
  app.decorateRequest('ctx', undefined as unknown as WorkspaceContext);
  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions;
    const access = route.config.access;
    if (route.url === undefined || access === 'public') return;
    const key = bearer(request);
    if (key !== undefined) {
      const verified = await verifyApiKey(ctx.store, key);
      if (verified === undefined) throw unauthorized();
      const named = namedWorkspace(request);
      if (named !== undefined && named !== verified.workspaceId) throw workspaceNotFound();
      request.ctx = inWorkspace(ctx, verified.workspaceId, { type: 'apikey', id: verified.id, name: verified.name }, verified.role);
    } else {
      const token = sessionToken(request);
      const session = token ? await findSession(ctx.store, token, ctx.now()) : undefined;
      if (!session) throw unauthorized();
      if (!SAFE_METHODS.has(request.method) && !csrfMatches(request, session)) {
        throw new AppError(403, 'csrf_failed', 'The X-CSRF-Token header is missing or does not match this session');
      }
      request.sessionUser = session;
      const named = namedWorkspace(request);
      const member = await membership(ctx.store, session.id, named);
      if (member) request.ctx = inWorkspace(ctx, member.workspaceId, { type: 'user', id: session.id, name: session.email }, member.role);
      else if (named !== undefined) throw workspaceNotFound();
      else if (access === 'account') return;
      else throw new AppError(403, 'forbidden', 'You are not a member of any workspace');
    }
    if (!may(request.ctx.role, access)) {
      throw new AppError(403, 'forbidden', access === undefined ? 'Only owners may do this' : `The ${request.ctx.role} role may not do this (it needs the "${access}" right)`);
    }
  });
}
