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

export interface WorkspaceMembership {
  id: number;
  name: string;
  role: Role;
}

/** Every workspace the user belongs to, with their role in it, in the order membership() picks the first. */
export async function workspacesOf(store: Store, userId: number): Promise<WorkspaceMembership[]> {
  return store.db
    .selectFrom('workspace_members')
    .innerJoin('workspaces', 'workspaces.id', 'workspace_members.workspace_id')
    .select(['workspaces.id', 'workspaces.name', 'workspace_members.role'])
    .where('workspace_members.user_id', '=', userId)
    .orderBy('workspaces.id')
    .execute();
}

/** A workspace by id, whoever asks (the CLI, the guard's callers); undefined when there is none. */
export async function findWorkspace(store: Store, id: number): Promise<{ id: number; name: string } | undefined> {
  return store.db.selectFrom('workspaces').select(['id', 'name']).where('id', '=', id).executeTakeFirst();
}

/** Every workspace of this instance, for the operator's CLI. */
export async function allWorkspaces(store: Store): Promise<Array<{ id: number; name: string }>> {
  return store.db.selectFrom('workspaces').select(['id', 'name']).orderBy('id').execute();
}
