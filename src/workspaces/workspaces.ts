import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.js';
import { inWorkspace, SYSTEM, type Actor, type AppContext, type WorkspaceContext } from '../context.js';
import type { Database, Role } from '../db/schema.js';
import { AppError, badRequest } from '../http/errors.js';
import type { Workspace } from './schemas.js';

export const forbidden = (message: string) => new AppError(403, 'forbidden', message);

/** A name as typed, trimmed; blank is refused. */
export function workspaceName(raw: string, path = '$.name'): string {
  const name = raw.trim();
  if (!name) throw badRequest('The workspace name must not be blank', path);
  if (name.length > 100) throw badRequest('The workspace name must be at most 100 characters', path);
  return name;
}

/**
 * A new workspace. A user who creates one is its owner; the CLI (`creator` undefined) creates
 * it empty, for `user create --workspace` to fill.
 */
export async function createWorkspace(ctx: AppContext, rawName: string, creator?: { id: number; email: string }): Promise<Workspace> {
  const name = workspaceName(rawName);
  const now = ctx.now();
  const actor: Actor = creator ? { type: 'user', id: creator.id, name: creator.email } : SYSTEM;
  return ctx.store.db.transaction().execute(async (trx) => {
    const { id } = await trx.insertInto('workspaces').values({ name, created_at: now }).returning('id').executeTakeFirstOrThrow();
    if (creator) await trx.insertInto('workspace_members').values({ workspace_id: id, user_id: creator.id, role: 'owner', created_at: now }).execute();
    await recordAudit(inWorkspace(ctx, id, actor), { action: 'workspace.create', objectType: 'workspace', objectId: id, details: { name } }, trx);
    return { id, name, role: 'owner' as Role };
  });
}

export async function renameWorkspace(ctx: WorkspaceContext, rawName: string): Promise<Workspace> {
  const name = workspaceName(rawName);
  return ctx.store.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('workspaces').select('name').where('id', '=', ctx.workspaceId).executeTakeFirstOrThrow();
    if (before.name !== name) {
      await trx.updateTable('workspaces').set({ name }).where('id', '=', ctx.workspaceId).execute();
      await recordAudit(ctx, { action: 'workspace.rename', objectType: 'workspace', objectId: ctx.workspaceId, details: { from: before.name, to: name } }, trx);
    }
    return { id: ctx.workspaceId, name, role: ctx.role };
  });
}

/**
 * Takes the workspace's row lock for the rest of the transaction, so that changes to its members
 * happen one after another: two owners demoting each other at once would otherwise each see the
 * other still an owner and leave none. (A no-op update locks on both databases; SQLite has no FOR UPDATE.)
 */
export async function lockWorkspace(trx: Kysely<Database>, workspaceId: number): Promise<void> {
  await trx
    .updateTable('workspaces')
    .set((eb) => ({ name: eb.ref('name') }))
    .where('id', '=', workspaceId)
    .execute();
}
