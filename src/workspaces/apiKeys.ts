import { recordAudit } from '../audit/audit.js';
import { createApiKey, listApiKeys } from '../auth/apiKeys.js';
import type { WorkspaceContext } from '../context.js';
import type { Role } from '../db/schema.js';
import { badRequest, notFound } from '../http/errors.js';
import { iso } from '../http/schemas.js';
import { mayHandle } from './members.js';
import type { ApiKey, CreatedApiKey } from './schemas.js';

/** The workspace's keys, revoked ones included (with when), oldest first. */
export async function listKeys(ctx: WorkspaceContext): Promise<ApiKey[]> {
  const rows = await listApiKeys(ctx.store, ctx.workspaceId);
  return rows.map((k) => ({
    id: k.id,
    name: k.name,
    role: k.role,
    prefix: k.prefix,
    createdAt: iso(k.created_at)!,
    lastUsedAt: iso(k.last_used_at),
    revokedAt: iso(k.revoked_at),
  }));
}

/** A key of the workspace with `role`; the key itself is in the answer only. */
export async function createKey(ctx: WorkspaceContext, rawName: string, role: Role = 'admin'): Promise<CreatedApiKey> {
  mayHandle(ctx, role, 'create an owner key');
  const name = rawName.trim();
  if (!name) throw badRequest('The key name must not be blank', '$.name');
  return ctx.store.db.transaction().execute(async (trx) => {
    const created = await createApiKey(ctx.store, name, { workspaceId: ctx.workspaceId, role, now: ctx.now() }, trx);
    // Never the key, nor its prefix: the log is read by everyone who manages the workspace.
    await recordAudit(ctx, { action: 'apikey.create', objectType: 'apikey', objectId: created.id, details: { name, role } }, trx);
    return { id: created.id, name, role, prefix: created.prefix, createdAt: iso(created.createdAt)!, key: created.key };
  });
}

/** Revokes an active key of the workspace (404 for another workspace's, or one already revoked). */
export async function revokeKey(ctx: WorkspaceContext, id: number): Promise<void> {
  await ctx.store.db.transaction().execute(async (trx) => {
    const key = await trx
      .selectFrom('api_keys')
      .select(['name', 'role'])
      .where('id', '=', id)
      .where('workspace_id', '=', ctx.workspaceId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!key) throw notFound('Active API key');
    mayHandle(ctx, key.role, 'revoke an owner key');
    await trx.updateTable('api_keys').set({ revoked_at: ctx.now() }).where('id', '=', id).execute();
    await recordAudit(ctx, { action: 'apikey.revoke', objectType: 'apikey', objectId: id, details: { name: key.name, role: key.role } }, trx);
  });
}
