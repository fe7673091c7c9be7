import { Type } from '@sinclair/typebox';
import { Session } from '../auth/schemas.js';
import { findWorkspace, workspacesOf } from '../auth/members.js';
import { checkPassword, sessionInfo, startSession } from '../auth/signIn.js';
import type { AppContext } from '../context.js';
import { ACCOUNT, MANAGE, PUBLIC } from '../http/access.js';
import type { Api } from '../http/api.js';
import { IdParams } from '../http/schemas.js';
import { createKey, listKeys, revokeKey } from './apiKeys.js';
import { acceptInvitation, describeInvitation, inviteMember, listInvitations, revokeInvitation } from './invitations.js';
import { changeRole, listMembers, removeMember } from './members.js';
import {
  AcceptInvitation,
  ApiKey,
  CreatedApiKey,
  Invitation,
  InvitationCreated,
  InvitationPreview,
  InvitationToken,
  Invite,
  Member,
  MemberParams,
  NewApiKey,
  RoleChange,
  Workspace,
  WorkspaceName,
} from './schemas.js';
import { createWorkspace, forbidden, renameWorkspace } from './workspaces.js';

/** Workspaces, members, invitations and API keys (SPEC §9). */
export function workspaceRoutes(app: Api, ctx: AppContext): void {
  const tags = ['workspaces'];

  app.get(
    '/api/workspaces',
    { config: ACCOUNT, schema: { tags, summary: "The caller's workspaces with their role in each (a key: its own)", response: { 200: Type.Array(Workspace) } } },
    async (req) => {
      if (req.sessionUser) return workspacesOf(ctx.store, req.sessionUser.id);
      const own = (await findWorkspace(ctx.store, req.ctx.workspaceId))!;
      return [{ ...own, role: req.ctx.role }];
    },
  );

  app.post(
    '/api/workspaces',
    { config: ACCOUNT, schema: { tags, summary: 'Create a workspace, of which the signed-in user is the owner', body: WorkspaceName, response: { 201: Workspace } } },
    async (req, reply) => {
      // A key belongs to one workspace and cannot own another.
      if (!req.sessionUser) throw forbidden('Only a signed-in user may create a workspace');
      return reply.status(201).send(await createWorkspace(ctx, req.body.name, req.sessionUser));
    },
  );

  app.patch(
    '/api/workspace',
    { config: MANAGE, schema: { tags, summary: 'Rename the current workspace', body: WorkspaceName, response: { 200: Workspace } } },
    (req) => renameWorkspace(req.ctx, req.body.name),
  );

  app.get('/api/members', { config: MANAGE, schema: { tags, response: { 200: Type.Array(Member) } } }, (req) => listMembers(req.ctx));

  app.post(
    '/api/members',
    { config: MANAGE, schema: { tags, summary: 'Invite someone by email', body: Invite, response: { 201: InvitationCreated } } },
    async (req, reply) => reply.status(201).send(await inviteMember(req.ctx, req.body.email, req.body.role)),
  );

  app.patch(
    '/api/members/:userId',
    { config: MANAGE, schema: { tags, summary: "Change a member's role", params: MemberParams, body: RoleChange, response: { 200: Member } } },
    (req) => changeRole(req.ctx, req.params.userId, req.body.role),
  );

  app.delete('/api/members/:userId', { config: MANAGE, schema: { tags, summary: 'Remove a member from the workspace', params: MemberParams } }, async (req, reply) => {
    await removeMember(req.ctx, req.params.userId);
    return reply.status(204).send();
  });

  app.get('/api/invitations', { config: MANAGE, schema: { tags, summary: 'Pending invitations', response: { 200: Type.Array(Invitation) } } }, (req) =>
    listInvitations(req.ctx),
  );

  app.delete('/api/invitations/:id', { config: MANAGE, schema: { tags, summary: 'Revoke a pending invitation', params: IdParams } }, async (req, reply) => {
    await revokeInvitation(req.ctx, req.params.id);
    return reply.status(204).send();
  });

  // The invitation link's two public routes: the token is the credential.
  app.get(
    '/api/invitations/:token',
    { config: PUBLIC, schema: { tags, security: [], summary: 'What an invitation link offers', params: InvitationToken, response: { 200: InvitationPreview } } },
    (req) => describeInvitation(ctx, req.params.token),
  );

  app.post(
    '/api/invitations/:token/accept',
    {
      config: PUBLIC,
      schema: { tags, security: [], summary: 'Join with a new password, or with an existing account\'s; signs in', params: InvitationToken, body: AcceptInvitation, response: { 201: Session } },
    },
    async (req, reply) => {
      const { user, workspaceId } = await acceptInvitation(ctx, req.params.token, req.body.password, (email, password) => checkPassword(ctx, req, reply, email, password));
      const csrfToken = await startSession(ctx, reply, user.id);
      return reply.status(201).send(await sessionInfo(ctx, user, csrfToken, workspaceId));
    },
  );

  app.get('/api/api-keys', { config: MANAGE, schema: { tags, summary: "The workspace's API keys", response: { 200: Type.Array(ApiKey) } } }, (req) => listKeys(req.ctx));

  app.post(
    '/api/api-keys',
    { config: MANAGE, schema: { tags, summary: 'Create an API key (shown once)', body: NewApiKey, response: { 201: CreatedApiKey } } },
    async (req, reply) => reply.status(201).send(await createKey(req.ctx, req.body.name, req.body.role)),
  );

  app.delete('/api/api-keys/:id', { config: MANAGE, schema: { tags, summary: 'Revoke an API key', params: IdParams } }, async (req, reply) => {
    await revokeKey(req.ctx, req.params.id);
    return reply.status(204).send();
  });
}
