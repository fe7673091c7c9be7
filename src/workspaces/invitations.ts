import { createHmac, timingSafeEqual } from 'node:crypto';
import { recordAudit } from '../audit/audit.js';
import { findUserByEmail, hashPassword, insertUser, MIN_PASSWORD_LENGTH } from '../auth/users.js';
import { normalizeEmail } from '../contacts/normalize.js';
import { inWorkspace, type AppContext, type WorkspaceContext } from '../context.js';
import type { Role } from '../db/schema.js';
import { openChannel } from '../delivery/channels/index.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import { iso } from '../http/schemas.js';
import { escapeHtml } from '../tracking/pages.js';
import { isMember, mayHandle } from './members.js';
import type { Invitation, InvitationCreated, InvitationPreview } from './schemas.js';
import { lockWorkspace } from './workspaces.js';

export const INVITATION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * `invite.<id>.<expiresAtMs>.<mac>`: the MAC (HMAC-SHA256 with the instance secret over the
 * rest, purpose included) makes it unforgeable; the row it names says whether it is still
 * pending (not accepted, not revoked), so that a link is used once and can be taken back.
 */
const mac = (secret: Buffer, id: number, expiresAt: number) => createHmac('sha256', secret).update(`invite.${id}.${expiresAt}`).digest('base64url');
export const invitationToken = (secret: Buffer, id: number, expiresAt: number) => `invite.${id}.${expiresAt}.${mac(secret, id, expiresAt)}`;
export const invitationUrl = (ctx: AppContext, id: number, expiresAt: number) => `${ctx.config.publicUrl}/invite/${invitationToken(ctx.secret, id, expiresAt)}`;

function readToken(secret: Buffer, token: string): { id: number; expiresAt: number } | undefined {
  const match = /^invite\.([1-9]\d{0,15})\.(\d{1,15})\.([\w-]{43})$/.exec(token);
  if (!match) return undefined;
  const [id, expiresAt] = [Number(match[1]), Number(match[2])];
  const expected = Buffer.from(mac(secret, id, expiresAt));
  const given = Buffer.from(match[3]!);
  return given.length === expected.length && timingSafeEqual(given, expected) ? { id, expiresAt } : undefined;
}

// Forged, expired, used and revoked links get one answer: a link tells nothing about why it stopped working.
const invitationNotFound = () => notFound('Invitation');

/** The invitation a link names while it is pending; 404 otherwise. */
async function pendingInvitation(ctx: AppContext, token: string) {
  const claims = readToken(ctx.secret, token);
  if (!claims || claims.expiresAt <= ctx.now()) throw invitationNotFound();
  const row = await ctx.store.db
    .selectFrom('invitations')
    .innerJoin('workspaces', 'workspaces.id', 'invitations.workspace_id')
    .select(['invitations.id', 'invitations.workspace_id', 'workspaces.name as workspace_name', 'invitations.email', 'invitations.role', 'invitations.expires_at'])
    .where('invitations.id', '=', claims.id)
    .where('invitations.expires_at', '=', claims.expiresAt)
    .where('invitations.accepted_at', 'is', null)
    .where('invitations.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw invitationNotFound();
  return row;
}

/**
 * Invites `email` with `role`: a link valid 7 days, sent by email through the configured channel
 * (the outbox without SMTP_URL) and returned for the inviter to share. A new invitation to the same
 * address replaces the pending one.
 */
export async function inviteMember(ctx: WorkspaceContext, rawEmail: string, role: Role): Promise<InvitationCreated> {
  const email = normalizeEmail(rawEmail);
  if (!email) throw badRequest(`"${rawEmail}" is not an email address`, '$.email');
  mayHandle(ctx, role, 'invite an owner');
  const now = ctx.now();
  const expiresAt = now + INVITATION_LIFETIME_MS;
  const invitedBy = ctx.actor.type === 'user' ? ctx.actor.id : null;
  const { id, workspaceName } = await ctx.store.db.transaction().execute(async (trx) => {
    await lockWorkspace(trx, ctx.workspaceId);
    if (await isMember(trx, ctx.workspaceId, email)) throw conflict(`${email} is already a member of this workspace`);
    await trx
      .updateTable('invitations')
      .set({ revoked_at: now })
      .where('workspace_id', '=', ctx.workspaceId)
      .where('email', '=', email)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .execute();
    const row = await trx
      .insertInto('invitations')
      .values({ workspace_id: ctx.workspaceId, email, role, invited_by: invitedBy, created_at: now, expires_at: expiresAt })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(ctx, { action: 'member.invite', objectType: 'invitation', objectId: row.id, details: { email, role } }, trx);
    const workspace = await trx.selectFrom('workspaces').select('name').where('id', '=', ctx.workspaceId).executeTakeFirstOrThrow();
    return { id: row.id, workspaceName: workspace.name };
  });
  const inviteUrl = invitationUrl(ctx, id, expiresAt);
  const emailSent = await sendInvitationEmail(ctx, { email, role, expiresAt, inviteUrl, workspaceName });
  return { invitation: { id, email, role, expiresAt: iso(expiresAt)! }, inviteUrl, emailSent };
}

/** Pending invitations of the workspace, newest first. */
export async function listInvitations(ctx: WorkspaceContext): Promise<Invitation[]> {
  const rows = await ctx.store.db
    .selectFrom('invitations')
    .leftJoin('users', 'users.id', 'invitations.invited_by')
    .select(['invitations.id', 'invitations.email', 'invitations.role', 'invitations.expires_at', 'users.email as invited_by'])
    .where('invitations.workspace_id', '=', ctx.workspaceId)
    .where('invitations.accepted_at', 'is', null)
    .where('invitations.revoked_at', 'is', null)
    .where('invitations.expires_at', '>', ctx.now())
    .orderBy('invitations.id', 'desc')
    .execute();
  return rows.map((row) => ({ id: row.id, email: row.email, role: row.role, expiresAt: iso(row.expires_at)!, invitedBy: row.invited_by ?? null }));
}

/** Takes a pending invitation back: its link answers 404 from now on. */
export async function revokeInvitation(ctx: WorkspaceContext, id: number): Promise<void> {
  await ctx.store.db.transaction().execute(async (trx) => {
    const revoked = await trx
      .updateTable('invitations')
      .set({ revoked_at: ctx.now() })
      .where('id', '=', id)
      .where('workspace_id', '=', ctx.workspaceId)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', ctx.now())
      .returning(['email', 'role'])
      .executeTakeFirst();
    if (!revoked) throw invitationNotFound();
    await recordAudit(ctx, { action: 'invitation.revoke', objectType: 'invitation', objectId: id, details: { email: revoked.email, role: revoked.role } }, trx);
  });
}

/** What the invitation page shows: the workspace, the address invited, the role, and whether that address has an account. */
export async function describeInvitation(ctx: AppContext, token: string): Promise<InvitationPreview> {
  const invitation = await pendingInvitation(ctx, token);
  return {
    workspace: { id: invitation.workspace_id, name: invitation.workspace_name },
    email: invitation.email,
    role: invitation.role,
    accountExists: (await findUserByEmail(ctx.store, invitation.email)) !== undefined,
    expiresAt: iso(invitation.expires_at)!,
  };
}

/**
 * Joins the invitation's workspace with its role. For an address without an account, `password`
 * becomes the new account's; for an existing account, `checkPassword` must accept it (the sign-in
 * check, throttled like a sign-in). The link is used up in the same transaction that adds the
 * membership, so two accepts at once join once.
 */
export async function acceptInvitation(
  ctx: AppContext,
  token: string,
  password: string,
  checkPassword: (email: string, password: string) => Promise<{ id: number; email: string }>,
): Promise<{ user: { id: number; email: string }; workspaceId: number }> {
  const invitation = await pendingInvitation(ctx, token);
  const existing = await findUserByEmail(ctx.store, invitation.email);
  let passwordHash: string | undefined;
  if (existing) await checkPassword(invitation.email, password);
  else if (password.length < MIN_PASSWORD_LENGTH) throw badRequest(`The password must be at least ${MIN_PASSWORD_LENGTH} characters`, '$.password');
  else passwordHash = await hashPassword(password);
  const now = ctx.now();
  return ctx.store.db.transaction().execute(async (trx) => {
    const used = await trx
      .updateTable('invitations')
      .set({ accepted_at: now })
      .where('id', '=', invitation.id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (!used.numUpdatedRows) throw invitationNotFound();
    const userId = existing?.id ?? (await insertUser(trx, invitation.email, passwordHash!, now));
    // Already a member (added another way meanwhile): they keep the role they have.
    await trx
      .insertInto('workspace_members')
      .values({ workspace_id: invitation.workspace_id, user_id: userId, role: invitation.role, created_at: now })
      .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doNothing())
      .execute();
    const joined = inWorkspace(ctx, invitation.workspace_id, { type: 'user', id: userId, name: invitation.email }, invitation.role);
    await recordAudit(joined, { action: 'member.join', objectType: 'user', objectId: userId, details: { role: invitation.role, invitationId: invitation.id } }, trx);
    return { user: { id: userId, email: invitation.email }, workspaceId: invitation.workspace_id };
  });
}

const ROLE_WORDS: Record<Role, string> = {
  owner: 'an owner',
  admin: 'an admin',
  editor: 'an editor',
  viewer: 'a viewer',
};

/**
 * The invitation email, through the channel campaigns use (SMTP, or the outbox in development).
 * From no-reply at the DKIM domain, else at PUBLIC_URL's host. False when the channel did not take it.
 */
async function sendInvitationEmail(
  ctx: WorkspaceContext,
  invitation: { email: string; role: Role; expiresAt: number; inviteUrl: string; workspaceName: string },
): Promise<boolean> {
  const inviter = ctx.actor.type === 'user' ? ctx.actor.name : undefined;
  const lead = `${inviter ? `${inviter} invited you` : 'You are invited'} to join the workspace "${invitation.workspaceName}" on Ricochet as ${ROLE_WORDS[invitation.role]}.`;
  const until = new Date(invitation.expiresAt).toUTCString();
  const text = [
    lead,
    '',
    `Accept the invitation: ${invitation.inviteUrl}`,
    '',
    `The link works once, until ${until}. If you did not expect this invitation, ignore this email.`,
  ].join('\n');
  const html = [
    `<p>${escapeHtml(lead)}</p>`,
    `<p><a href="${escapeHtml(invitation.inviteUrl)}">Accept the invitation</a></p>`,
    `<p>The link works once, until ${escapeHtml(until)}. If you did not expect this invitation, ignore this email.</p>`,
  ].join('\n');
  const host = ctx.config.dkim?.domain ?? new URL(ctx.config.publicUrl).hostname;
  // Not a literal: RenderedEmail gains fields (the workspace, a DKIM key) that this message sets or leaves out as they come.
  const message = {
    kind: 'email' as const,
    messageId: 0,
    workspaceId: ctx.workspaceId,
    // Its link grants a role: editors and viewers, who may read the outbox, must not be able to take it.
    managersOnly: true,
    to: invitation.email,
    from: { name: 'Ricochet', address: `no-reply@${host}` },
    replyTo: inviter ?? null,
    subject: `Join "${invitation.workspaceName}" on Ricochet`,
    html,
    text,
    headers: {},
  };
  const { channel } = openChannel(ctx, 'email', 1);
  try {
    const outcome = await channel.send(message);
    return outcome.status === 'delivered' || outcome.status === 'sent';
  } catch {
    return false;
  } finally {
    await channel.close();
  }
}
