import { Type, type Static } from '@sinclair/typebox';
import { RoleName } from '../auth/schemas.js';
import { IsoDate, Nullable } from '../http/schemas.js';

/** A workspace as its member (or key) sees it: its name and their role in it. */
export const Workspace = Type.Object({ id: Type.Integer(), name: Type.String(), role: RoleName }, { $id: 'Workspace' });
export type Workspace = Static<typeof Workspace>;

export const WorkspaceName = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) });

export const Member = Type.Object(
  { userId: Type.Integer(), email: Type.String(), role: RoleName, joinedAt: IsoDate },
  { $id: 'Member' },
);
export type Member = Static<typeof Member>;

export const MemberParams = Type.Object({ userId: Type.Integer({ minimum: 1 }) });
export const RoleChange = Type.Object({ role: RoleName });

export const Invite = Type.Object({ email: Type.String({ minLength: 1, maxLength: 320 }), role: RoleName });

/** A pending invitation; `invitedBy` is the inviting user's email (null when an API key invited). */
export const Invitation = Type.Object(
  { id: Type.Integer(), email: Type.String(), role: RoleName, expiresAt: IsoDate, invitedBy: Nullable(Type.String()) },
  { $id: 'Invitation' },
);
export type Invitation = Static<typeof Invitation>;

/** `inviteUrl` is also in the email; `emailSent` says whether the email channel took it (else share the link yourself). */
export const InvitationCreated = Type.Object(
  {
    invitation: Type.Object({ id: Type.Integer(), email: Type.String(), role: RoleName, expiresAt: IsoDate }),
    inviteUrl: Type.String(),
    emailSent: Type.Boolean(),
  },
  { $id: 'InvitationCreated' },
);
export type InvitationCreated = Static<typeof InvitationCreated>;

export const InvitationToken = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) });

/** What the invitation page shows before the invitee sets or types a password. */
export const InvitationPreview = Type.Object(
  {
    workspace: Type.Object({ id: Type.Integer(), name: Type.String() }),
    email: Type.String(),
    role: RoleName,
    /** True: the invitee signs in with their password to join; false: they choose one. */
    accountExists: Type.Boolean(),
    expiresAt: IsoDate,
  },
  { $id: 'InvitationPreview' },
);
export type InvitationPreview = Static<typeof InvitationPreview>;

export const AcceptInvitation = Type.Object({ password: Type.String({ minLength: 1, maxLength: 200 }) });

export const ApiKey = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    role: RoleName,
    /** The key's first characters, to recognise it; the key itself is shown once, when created. */
    prefix: Type.String(),
    createdAt: IsoDate,
    lastUsedAt: Nullable(IsoDate),
    revokedAt: Nullable(IsoDate),
  },
  { $id: 'ApiKey' },
);
export type ApiKey = Static<typeof ApiKey>;

export const NewApiKey = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), role: Type.Optional(RoleName) });

/** The key in clear, shown this once only. */
export const CreatedApiKey = Type.Object(
  { id: Type.Integer(), name: Type.String(), role: RoleName, prefix: Type.String(), createdAt: IsoDate, key: Type.String() },
  { $id: 'CreatedApiKey' },
);
export type CreatedApiKey = Static<typeof CreatedApiKey>;
