import { PUBLIC } from '../http/access.js';
import type { AppContext } from '../context.js';
import type { Api } from '../http/api.js';
import { AppError, unauthorized } from '../http/errors.js';
import { Session, SignIn } from './schemas.js';
import { clearSessionCookie, createSession, deleteSession, sessionToken, setSessionCookie } from './sessions.js';
import { signInThrottle } from './throttle.js';
import { authenticate } from './users.js';

/** Sign-in, the current session and sign-out for the web app (scripts use API keys instead). */
export function sessionRoutes(app: Api, ctx: AppContext): void {
  const tags = ['session'];
  const secure = ctx.config.publicUrl.startsWith('https:');
  // What the web app needs from the configuration to preview messages as they will be sent.
  const settings = { publicUrl: ctx.config.publicUrl, smsStopText: ctx.config.smsStopText };

  const throttle = signInThrottle(ctx.now);

  app.post('/api/session', { config: PUBLIC, schema: { tags, security: [], body: SignIn, response: { 201: Session } } }, async (req, reply) => {
    const attempt = throttle.reserve(req.body.email, req.ip);
    if (attempt.retryAfterMs > 0) {
      reply.header('retry-after', String(Math.ceil(attempt.retryAfterMs / 1000)));
      throw new AppError(429, 'too_many_attempts', `Too many failed sign-ins; try again in ${Math.ceil(attempt.retryAfterMs / 60_000)} minute(s)`);
    }
    let user;
    try {
      user = await authenticate(ctx.store, req.body.email, req.body.password);
    } catch (error) {
      // No password was checked (too many sign-ins at once, or the database failed): the attempt does not count.
      attempt.withdraw();
      if (error instanceof AppError && error.code === 'busy') reply.header('retry-after', '1');
      throw error;
    }
    if (!user) throw new AppError(401, 'invalid_credentials', 'Email or password is incorrect');
    attempt.succeeded();
    const { token, csrfToken } = await createSession(ctx.store, user.id, ctx.now());
    setSessionCookie(reply, token, secure);
    return reply.status(201).send({ user, csrfToken, ...settings });
  });

  app.get('/api/session', { schema: { tags, response: { 200: Session } } }, (req) => {
    if (!req.sessionUser) throw unauthorized();
    const { csrfToken, ...user } = req.sessionUser;
    return { user, csrfToken, ...settings };
  });

  app.delete('/api/session', { schema: { tags } }, async (req, reply) => {
    const token = sessionToken(req);
    if (token) await deleteSession(ctx.store, token);
    clearSessionCookie(reply, secure);
    return reply.status(204).send();
  });
}
