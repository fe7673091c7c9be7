import { ACCOUNT, PUBLIC } from '../http/access.js';
import type { AppContext } from '../context.js';
import type { Api } from '../http/api.js';
import { AppError } from '../http/errors.js';
import { Session, SignIn } from './schemas.js';
import { clearSessionCookie, deleteSession, sessionToken } from './sessions.js';
import { checkPassword, requestedWorkspace, sessionInfo, startSession } from './signIn.js';

/** Sign-in, the current session and sign-out for the web app (scripts use API keys instead). */
export function sessionRoutes(app: Api, ctx: AppContext): void {
  const tags = ['session'];
  const secure = ctx.config.publicUrl.startsWith('https:');

  app.post('/api/session', { config: PUBLIC, schema: { tags, security: [], body: SignIn, response: { 201: Session } } }, async (req, reply) => {
    const user = await checkPassword(ctx, req, reply, req.body.email, req.body.password);
    const csrfToken = await startSession(ctx, reply, user.id);
    // A workspace remembered by the browser that is not this user's is not an error here: they get their first.
    return reply.status(201).send(await sessionInfo(ctx, user, csrfToken, requestedWorkspace(req)));
  });

  app.get('/api/session', { config: ACCOUNT, schema: { tags, response: { 200: Session } } }, async (req) => {
    if (!req.sessionUser) throw new AppError(404, 'not_found', 'Session not found: an API key has none');
    const { csrfToken, ...user } = req.sessionUser;
    // req.ctx is the workspace the guard resolved (X-Workspace or the first), undefined when the user has none.
    return sessionInfo(ctx, user, csrfToken, req.ctx?.workspaceId);
  });

  app.delete('/api/session', { config: ACCOUNT, schema: { tags } }, async (req, reply) => {
    const token = sessionToken(req);
    if (token) await deleteSession(ctx.store, token);
    clearSessionCookie(reply, secure);
    return reply.status(204).send();
  });
}
