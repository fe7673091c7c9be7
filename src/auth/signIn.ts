import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { RIGHTS } from '../http/access.js';
import { AppError } from '../http/errors.js';
import { WORKSPACE_HEADER } from './guard.js';
import { workspacesOf } from './members.js';
import type { Session } from './schemas.js';
import { createSession, setSessionCookie } from './sessions.js';
import { signInThrottle } from './throttle.js';
import { authenticate } from './users.js';

// One throttle per app, shared by every route that checks a password (sign-in, joining a workspace with an existing account).
const throttles = new WeakMap<AppContext, ReturnType<typeof signInThrottle>>();
function throttleOf(ctx: AppContext) {
  let throttle = throttles.get(ctx);
  if (!throttle) throttles.set(ctx, (throttle = signInThrottle(() => ctx.now())));
  return throttle;
}

/**
 * The user when the email and password match. Counted in the sign-in throttle: 429 with Retry-After
 * once too many attempts failed, 401 `invalid_credentials` for a wrong email or password.
 */
export async function checkPassword(ctx: AppContext, req: FastifyRequest, reply: FastifyReply, email: string, password: string): Promise<{ id: number; email: string }> {
  const attempt = throttleOf(ctx).reserve(email, req.ip);
  if (attempt.retryAfterMs > 0) {
    reply.header('retry-after', String(Math.ceil(attempt.retryAfterMs / 1000)));
    throw new AppError(429, 'too_many_attempts', `Too many failed sign-ins; try again in ${Math.ceil(attempt.retryAfterMs / 60_000)} minute(s)`);
  }
  let user;
  try {
    user = await authenticate(ctx.store, email, password);
  } catch (error) {
    // No password was checked (too many sign-ins at once, or the database failed): the attempt does not count.
    attempt.withdraw();
    if (error instanceof AppError && error.code === 'busy') reply.header('retry-after', '1');
    throw error;
  }
  if (!user) throw new AppError(401, 'invalid_credentials', 'Email or password is incorrect');
  attempt.succeeded();
  return user;
}

/** Opens a session for the user and sets its cookie; returns the CSRF token the web app sends back. */
export async function startSession(ctx: AppContext, reply: FastifyReply, userId: number): Promise<string> {
  const { token, csrfToken } = await createSession(ctx.store, userId, ctx.now());
  setSessionCookie(reply, token, ctx.config.publicUrl.startsWith('https:'));
  return csrfToken;
}

/** The workspace a request names with X-Workspace, when it is a well-formed id (the guard refuses malformed ones on private routes). */
export function requestedWorkspace(req: FastifyRequest): number | undefined {
  const header = req.headers[WORKSPACE_HEADER];
  return typeof header === 'string' && /^[1-9]\d{0,15}$/.test(header.trim()) ? Number(header) : undefined;
}

/**
 * What GET and POST /api/session answer: the user, the settings the web app previews with, and
 * `workspaceId`'s workspace with the user's role and rights in it (their first when it is undefined or
 * not theirs; null when they belong to none).
 */
export async function sessionInfo(ctx: AppContext, user: { id: number; email: string }, csrfToken: string, workspaceId?: number): Promise<Session> {
  const workspaces = await workspacesOf(ctx.store, user.id);
  const current = workspaces.find((w) => w.id === workspaceId) ?? workspaces[0];
  return {
    user: { id: user.id, email: user.email },
    csrfToken,
    publicUrl: ctx.config.publicUrl,
    smsStopText: ctx.config.smsStopText,
    workspace: current ? { ...current, rights: [...RIGHTS[current.role]] } : null,
    workspaces,
  };
}
