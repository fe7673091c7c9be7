import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Store } from '../db/connection.js';
import type { Database, Role } from '../db/schema.js';
import { notFound } from '../http/errors.js';
import { firstWorkspaceId } from './members.js';

const LAST_USED_PRECISION_MS = 60_000;

// Keys carry 256 random bits, so a fast hash is enough to make a stolen table useless.
const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export interface ApiKeyOwner {
  /** By default the first workspace. */
  workspaceId?: number;
  /** By default admin (SPEC §9). */
  role?: Role;
  /** By default the wall clock. */
  now?: number;
}

/**
 * Creates a key and returns it in clear: only its hash is kept, so this is the only chance to see it.
 * `db` is the caller's transaction when the key is created with other writes (its audit entry).
 */
export async function createApiKey(
  store: Store,
  name: string,
  owner: ApiKeyOwner = {},
  db: Kysely<Database> = store.db,
): Promise<{ id: number; key: string; prefix: string; role: Role; workspaceId: number; createdAt: number }> {
  const key = `rk_${randomBytes(32).toString('base64url')}`;
  const workspaceId = owner.workspaceId ?? (await firstWorkspaceId(store));
  const role = owner.role ?? 'admin';
  const createdAt = owner.now ?? Date.now();
  const row = await db
    .insertInto('api_keys')
    .values({ workspace_id: workspaceId, name, role, prefix: key.slice(0, 10), hash: hashKey(key), created_at: createdAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, key, prefix: key.slice(0, 10), role, workspaceId, createdAt };
}

/** One key of any workspace, for the operator's CLI; undefined when there is none. */
export async function findApiKey(store: Store, id: number) {
  return store.db.selectFrom('api_keys').select(['id', 'workspace_id', 'name', 'role', 'revoked_at']).where('id', '=', id).executeTakeFirst();
}

export async function listApiKeys(store: Store, workspaceId: number) {
  return store.db
    .selectFrom('api_keys')
    .select(['id', 'name', 'role', 'prefix', 'created_at', 'last_used_at', 'revoked_at'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('id')
    .execute();
}

export async function revokeApiKey(store: Store, workspaceId: number, id: number, now = Date.now(), db: Kysely<Database> = store.db): Promise<void> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!result.numUpdatedRows) throw notFound('Active API key');
}

export interface VerifiedKey {
  id: number;
  name: string;
  workspaceId: number;
  role: Role;
}

/** The key, its workspace and role when it is valid and not revoked; undefined otherwise. */
export async function verifyApiKey(store: Store, key: string): Promise<VerifiedKey | undefined> {
  if (!key.startsWith('rk_') || key.length > 100) return undefined;
  const row = await store.db
    .selectFrom('api_keys')
    .select(['id', 'name', 'workspace_id', 'role', 'last_used_at'])
    .where('hash', '=', hashKey(key))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const now = Date.now();
  if (!row.last_used_at || now - row.last_used_at > LAST_USED_PRECISION_MS) {
    await store.db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  return { id: row.id, name: row.name, workspaceId: row.workspace_id, role: row.role };
}
