import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Store } from '../db/connection.js';
import type { Database, Role } from '../db/schema.js';
import { AppError, badRequest, conflict } from '../http/errors.js';
import { firstWorkspaceId } from './members.js';

// scrypt with N=2^15 costs ~100 ms and 32 MiB per guess: cheap for a sign-in, expensive for a stolen table.
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } satisfies ScryptOptions;
const KEY_LENGTH = 32;

// scrypt runs on libuv's thread pool (4 threads), which file reads share: unbounded, a flood of
// sign-ins would queue ahead of every static file and take 32 MiB each. Two at a time leave the
// pool to the rest of the server; beyond a short queue, sign-ins are refused at once.
const MAX_HASHING = 2;
const MAX_WAITING = 32;
let hashing = 0;
const waiting: Array<() => void> = [];

const passwordChecksBusy = () => new AppError(429, 'busy', 'Too many sign-ins at once; try again in a moment');

async function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  if (hashing < MAX_HASHING) hashing++;
  else if (waiting.length < MAX_WAITING) await new Promise<void>((resolve) => waiting.push(resolve));
  else throw passwordChecksBusy();
  try {
    return await new Promise((resolve, reject) =>
      scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key))),
    );
  } finally {
    // The slot goes straight to the next in line, if any.
    const next = waiting.shift();
    if (next) next();
    else hashing--;
  }
}

/** `scrypt$N$r$p$salt$key`, so that the cost can be raised later without breaking stored hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, N, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(N), r: Number(r), p: Number(p), maxmem: SCRYPT.maxmem });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** The shortest password a person may choose (generated ones are 24 characters). */
export const MIN_PASSWORD_LENGTH = 10;

export async function findUserByEmail(store: Store, email: string): Promise<{ id: number; email: string } | undefined> {
  return store.db.selectFrom('users').select(['id', 'email']).where('email', '=', normalizeEmail(email)).executeTakeFirst();
}

/** Inserts a user whose password is already hashed (hashPassword), in the caller's transaction; no membership. */
export async function insertUser(db: Kysely<Database>, email: string, passwordHash: string, now: number): Promise<number> {
  const row = await db.insertInto('users').values({ email: normalizeEmail(email), password_hash: passwordHash, created_at: now }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** 144 random bits, printable and easy to paste. */
export const generatePassword = () => randomBytes(18).toString('base64url');

/**
 * Creates a user with a generated password and returns it: it is never stored in clear, so this
 * is the only chance to see it. The user joins `join.workspaceId` (by default the first workspace)
 * with `join.role` (by default owner).
 */
export async function createUser(
  store: Store,
  email: string,
  now: number,
  join: { workspaceId?: number; role?: Role } = {},
): Promise<{ id: number; email: string; password: string; workspaceId: number; role: Role }> {
  const normalized = normalizeEmail(email);
  if (!/^[^\s@]+@[^\s@]+$/.test(normalized)) throw badRequest(`"${email}" is not an email address`);
  const existing = await store.db.selectFrom('users').select('id').where('email', '=', normalized).executeTakeFirst();
  if (existing) throw conflict(`A user with the email ${normalized} already exists`, { id: existing.id });
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  const workspaceId = join.workspaceId ?? (await firstWorkspaceId(store));
  const role = join.role ?? 'owner';
  const id = await store.db.transaction().execute(async (trx) => {
    const userId = await insertUser(trx, normalized, passwordHash, now);
    await trx.insertInto('workspace_members').values({ workspace_id: workspaceId, user_id: userId, role, created_at: now }).execute();
    return userId;
  });
  return { id, email: normalized, password, workspaceId, role };
}

/** Gives an existing user a new generated password (and signs them out everywhere). */
export async function resetPassword(store: Store, email: string): Promise<string | undefined> {
  const user = await store.db.selectFrom('users').select('id').where('email', '=', normalizeEmail(email)).executeTakeFirst();
  if (!user) return undefined;
  const password = generatePassword();
  await store.db.updateTable('users').set({ password_hash: await hashPassword(password) }).where('id', '=', user.id).execute();
  await store.db.deleteFrom('sessions').where('user_id', '=', user.id).execute();
  return password;
}

// Compared against when the email is unknown, so that a wrong email costs as long as a wrong password.
// Its key is random: no password matches it, and checking one costs the same as for a real hash.
const DECOY_HASH = ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, randomBytes(16).toString('base64url'), randomBytes(KEY_LENGTH).toString('base64url')].join('$');

/** The user when the email and password match; undefined otherwise, in the same time either way. */
export async function authenticate(store: Store, email: string, password: string): Promise<{ id: number; email: string } | undefined> {
  const user = await store.db
    .selectFrom('users')
    .select(['id', 'email', 'password_hash'])
    .where('email', '=', normalizeEmail(email))
    .executeTakeFirst();
  const ok = await verifyPassword(password, user?.password_hash ?? DECOY_HASH);
  return user && ok ? { id: user.id, email: user.email } : undefined;
}
