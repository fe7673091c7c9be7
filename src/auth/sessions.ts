import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../db/connection.js';

export const SESSION_COOKIE = 'ricochet_session';
export const CSRF_HEADER = 'x-csrf-token';
export const SESSION_LIFETIME_MS = 14 * 24 * 60 * 60 * 1000;

export interface SessionUser {
  id: number;
  email: string;
  csrfToken: string;
}

// The cookie carries 256 random bits; the table keeps only their hash, so a leaked table opens no session.
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createSession(store: Store, userId: number, now: number): Promise<{ token: string; csrfToken: string }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  await store.db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
  await store.db
    .insertInto('sessions')
    .values({ id: hashToken(token), user_id: userId, csrf_token: csrfToken, created_at: now, expires_at: now + SESSION_LIFETIME_MS })
    .execute();
  return { token, csrfToken };
}

export async function findSession(store: Store, token: string, now: number): Promise<SessionUser | undefined> {
  if (token.length > 100) return undefined;
  const row = await store.db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id', 'users.email', 'sessions.csrf_token'])
    .where('sessions.id', '=', hashToken(token))
    .where('sessions.expires_at', '>', now)
    .executeTakeFirst();
  return row && { id: row.id, email: row.email, csrfToken: row.csrf_token };
}

export async function deleteSession(store: Store, token: string): Promise<void> {
  await store.db.deleteFrom('sessions').where('id', '=', hashToken(token)).execute();
}

export function sessionToken(request: FastifyRequest): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=') || undefined;
  }
  return undefined;
}

/** The header a page must send on unsafe methods: a cross-site form can set the cookie, never this header. */
export function csrfMatches(request: FastifyRequest, session: SessionUser): boolean {
  const sent = request.headers[CSRF_HEADER];
  if (typeof sent !== 'string') return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** HttpOnly (no script reads it), SameSite=Strict (no other site sends it), Secure when served over HTTPS. */
export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean): void {
  const attributes = ['Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${SESSION_LIFETIME_MS / 1000}`, ...(secure ? ['Secure'] : [])];
  reply.header('set-cookie', `${SESSION_COOKIE}=${token}; ${attributes.join('; ')}`);
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  const attributes = ['Path=/', 'HttpOnly', 'SameSite=Strict', 'Max-Age=0', ...(secure ? ['Secure'] : [])];
  reply.header('set-cookie', `${SESSION_COOKIE}=; ${attributes.join('; ')}`);
}
