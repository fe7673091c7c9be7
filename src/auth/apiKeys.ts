import { createHash, randomBytes } from 'node:crypto';
import type { Store } from '../db/connection.js';
import type { Role } from '../db/schema.js';
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
}

export async function createApiKey(store: Store, name: string, owner: ApiKeyOwner = {}): Promise<{ id: number; key: string; prefix: string }> {
  const key = `rk_${randomBytes(32).toString('base64url')}`;
  const workspaceId = owner.workspaceId ?? (await firstWorkspaceId(store));
  const row = await store.db
    .insertInto('api_keys')
    .values({ workspace_id: workspaceId, name, role: owner.role ?? 'admin', prefix: key.slice(0, 10), hash: hashKey(key), created_at: Date.now() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, key, prefix: key.slice(0, 10) };
}

export async function listApiKeys(store: Store, workspaceId: number) {
  return store.db
    .selectFrom('api_keys')
    .select(['id', 'name', 'role', 'prefix', 'created_at', 'last_used_at', 'revoked_at'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('id')
    .execute();
}

export async function revokeApiKey(store: Store, workspaceId: number, id: number): Promise<void> {
  const result = await store.db
    .updateTable('api_keys')
    .set({ revoked_at: Date.now() })
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
