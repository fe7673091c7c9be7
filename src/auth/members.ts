import type { Store } from '../db/connection.js';
import type { Role } from '../db/schema.js';

/** The workspace created at first start: where the CLI puts users and keys when told no other. */
export async function firstWorkspaceId(store: Store): Promise<number> {
  const row = await store.db.selectFrom('workspaces').select('id').orderBy('id').limit(1).executeTakeFirstOrThrow();
  return row.id;
}

/** The user's role in a workspace (their first one when none is named); undefined when they are not a member. */
export async function membership(store: Store, userId: number, workspaceId?: number): Promise<{ workspaceId: number; role: Role } | undefined> {
  let query = store.db.selectFrom('workspace_members').select(['workspace_id', 'role']).where('user_id', '=', userId);
  query = workspaceId === undefined ? query.orderBy('workspace_id').limit(1) : query.where('workspace_id', '=', workspaceId);
  const row = await query.executeTakeFirst();
  return row && { workspaceId: row.workspace_id, role: row.role };
}
