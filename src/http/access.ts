import type { Role } from '../db/schema.js';

/**
 * What a route needs (SPEC §9), declared on the route itself: `app.get(url, { config: READ, … })`.
 * - public: no credentials (tracking, sign-in, invitation links);
 * - account: any signed-in user or API key, whatever their role (the session, the workspace list);
 * - read … manage: a role in the caller's workspace that has this right (RIGHTS).
 * A route that declares nothing is for owners only (src/auth/guard.ts).
 */
export type Access = 'public' | 'account' | Right;
export type Right = 'read' | 'edit' | 'send' | 'export' | 'manage';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
}

/** SPEC §9's table. `manage` for an admin stops at owners: src/workspaces enforces that on each member. */
export const RIGHTS: Record<Role, readonly Right[]> = {
  owner: ['read', 'edit', 'send', 'export', 'manage'],
  admin: ['read', 'edit', 'send', 'export', 'manage'],
  editor: ['read', 'edit'],
  viewer: ['read'],
};

export const ROLES: readonly Role[] = ['owner', 'admin', 'editor', 'viewer'];

export const may = (role: Role, access: Access | undefined): boolean =>
  access === 'public' || access === 'account' ? true : access === undefined ? role === 'owner' : RIGHTS[role].includes(access);

export const PUBLIC = { access: 'public' } as const;
export const ACCOUNT = { access: 'account' } as const;
/** Read campaigns, statistics, recipients, contacts, lists. */
export const READ = { access: 'read' } as const;
/** Create and edit contacts, lists, imports, campaigns, templates, forms, saved views; relaunch as a draft; create a list from a view. */
export const EDIT = { access: 'edit' } as const;
/** Send, schedule, pause, resume, cancel; pick an A/B winner. */
export const SEND = { access: 'send' } as const;
/** Export CSV; erase a contact. */
export const EXPORT = { access: 'export' } as const;
/** API keys, members, workspace settings, sending domains. */
export const MANAGE = { access: 'manage' } as const;
