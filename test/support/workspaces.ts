import { createApiKey } from '../../src/auth/apiKeys.js';
import { inWorkspace, type WorkspaceContext } from '../../src/context.js';
import type { Role } from '../../src/db/schema.js';
import type { ApiCall, TestApp } from './app.js';

/** A new workspace beside the test app's first one: its context (to build data with the scenario helpers) and an API caller with a key of `role`. */
export async function addWorkspace(t: TestApp, name = 'Brand B', role: Role = 'admin'): Promise<{ workspaceId: number; ctx: WorkspaceContext; api: ApiCall; key: string }> {
  const { id } = await t.ctx.store.db.insertInto('workspaces').values({ name, created_at: t.ctx.now() }).returning('id').executeTakeFirstOrThrow();
  const { key } = await createApiKey(t.ctx.store, `${name} ${role}`, { workspaceId: id, role });
  return { workspaceId: id, ctx: inWorkspace(t.ctx, id), api: t.apiWith(key), key };
}

/** An API caller in the test app's first workspace with a key of `role`. */
export async function apiAs(t: TestApp, role: Role): Promise<ApiCall> {
  const { key } = await createApiKey(t.ctx.store, `as ${role}`, { workspaceId: t.ctx.workspaceId, role });
  return t.apiWith(key);
}
