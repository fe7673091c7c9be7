import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.js';
import type { WorkspaceContext } from '../context.js';
import type { Database, Role } from '../db/schema.js';
import { AppError, notFound } from '../http/errors.js';
import { iso } from '../http/schemas.js';
import type { Member } from './schemas.js';
import { forbidden, lockWorkspace } from './workspaces.js';

/**
 * An admin manages everyone but owners (SPEC §9): no inviting, changing or removing an owner,
 * making anyone owner, or creating or revoking an owner key. Owners may do all of it.
 */
export function mayHandle(ctx: WorkspaceContext, role: Role, what: string): void {
  if (role === 'owner' && ctx.role !== 'owner') throw forbidden(`Only an owner may ${what}`);
}

const lastOwner = (what: string) => new AppError(409, 'last_owner', `The last owner of a workspace cannot be ${what}: make another member owner first`);

function memberQuery(db: Kysely<Database>, workspaceId: number) {
  return db
    .selectFrom('workspace_members')
    .innerJoin('users', 'users.id', 'workspace_members.user_id')
    .select(['workspace_members.user_id', 'users.email', 'workspace_members.role', 'workspace_members.created_at'])
    .where('workspace_members.workspace_id', '=', workspaceId);
}

type MemberRow = { user_id: number; email: string; role: Role; created_at: number };
const toMember = (row: MemberRow, role = row.role): Member => ({ userId: row.user_id, email: row.email, role, joinedAt: iso(row.created_at)! });

export async function listMembers(ctx: WorkspaceContext): Promise<Member[]> {
  const rows = await memberQuery(ctx.store.db, ctx.workspaceId).orderBy('workspace_members.created_at').orderBy('workspace_members.user_id').execute();
  return rows.map((row) => toMember(row));
}

/** The member of the context's workspace; 404 for anyone else, a user of another workspace included. */
async function memberOf(db: Kysely<Database>, ctx: WorkspaceContext, userId: number): Promise<MemberRow> {
  const row = await memberQuery(db, ctx.workspaceId).where('workspace_members.user_id', '=', userId).executeTakeFirst();
  if (!row) throw notFound('Member');
  return row;
}

async function ownerCount(db: Kysely<Database>, workspaceId: number): Promise<number> {
  const row = await db
    .selectFrom('workspace_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function changeRole(ctx: WorkspaceContext, userId: number, role: Role): Promise<Member> {
  return ctx.store.db.transaction().execute(async (trx) => {
    await lockWorkspace(trx, ctx.workspaceId);
    const member = await memberOf(trx, ctx, userId);
    mayHandle(ctx, member.role, "change an owner's role");
    mayHandle(ctx, role, 'make someone owner');
    if (member.role === role) return toMember(member);
    if (member.role === 'owner' && (await ownerCount(trx, ctx.workspaceId)) <= 1) throw lastOwner('demoted');
    await trx.updateTable('workspace_members').set({ role }).where('workspace_id', '=', ctx.workspaceId).where('user_id', '=', userId).execute();
    await recordAudit(ctx, { action: 'member.role', objectType: 'user', objectId: userId, details: { from: member.role, to: role } }, trx);
    return toMember(member, role);
  });
}

/** Takes the user out of the workspace (their account and other workspaces stay); their next request here is refused. */
export async function removeMember(ctx: WorkspaceContext, userId: number): Promise<void> {
  await ctx.store.db.transaction().execute(async (trx) => {
    await lockWorkspace(trx, ctx.workspaceId);
    const member = await memberOf(trx, ctx, userId);
    mayHandle(ctx, member.role, 'remove an owner');
    if (member.role === 'owner' && (await ownerCount(trx, ctx.workspaceId)) <= 1) throw lastOwner('removed');
    await trx.deleteFrom('workspace_members').where('workspace_id', '=', ctx.workspaceId).where('user_id', '=', userId).execute();
    await recordAudit(ctx, { action: 'member.remove', objectType: 'user', objectId: userId, details: { email: member.email, role: member.role } }, trx);
  });
}

/** Whether an account with this (normalised) email already belongs to the workspace. */
export async function isMember(db: Kysely<Database>, workspaceId: number, email: string): Promise<boolean> {
  return (await memberQuery(db, workspaceId).where('users.email', '=', email).executeTakeFirst()) !== undefined;
}
