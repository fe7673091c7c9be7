import { createHash, randomBytes } from 'node:crypto';
import type { Store } from '../db/connection.js';
import { notFound } from '../http/errors.js';

const LAST_USED_PRECISION_MS = 60_000;

// Keys carry 256 random bits, so a fast hash is enough to make a stolen table useless.
const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export async function createApiKey(store: Store, name: string): Promise<{ id: number; key: string }> {
  const key = `rk_${randomBytes(32).toString('base64url')}`;
  const row = await store.db
    .insertInto('api_keys')
    .values({ name, prefix: key.slice(0, 10), hash: hashKey(key), created_at: Date.now() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, key };
}

export async function listApiKeys(store: Store) {
  return store.db
    .selectFrom('api_keys')
    .select(['id', 'name', 'prefix', 'created_at', 'last_used_at', 'revoked_at'])
    .orderBy('id')
    .execute();
}

export async function revokeApiKey(store: Store, id: number): Promise<void> {
  const result = await store.db
    .updateTable('api_keys')
    .set({ revoked_at: Date.now() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!result.numUpdatedRows) throw notFound('Active API key');
}

/** The key's id when it is valid and not revoked; undefined otherwise. */
export async function verifyApiKey(store: Store, key: string): Promise<number | undefined> {
  if (!key.startsWith('rk_') || key.length > 100) return undefined;
  const row = await store.db
    .selectFrom('api_keys')
    .select(['id', 'last_used_at'])
    .where('hash', '=', hashKey(key))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const now = Date.now();
  if (!row.last_used_at || now - row.last_used_at > LAST_USED_PRECISION_MS) {
    await store.db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  return row.id;
}
