import type { Role } from '../types';

export const ROLE_LABELS: Record<Role, string> = { owner: 'Owner', admin: 'Admin', editor: 'Editor', viewer: 'Viewer' };

export const roleLabel = (role: Role) => ROLE_LABELS[role] ?? role;

/** What each role may do, as SPEC §9 puts it, for the role pickers. */
export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  owner: 'Everything, including managing owners',
  admin: 'Everything except managing owners',
  editor: 'Prepares campaigns, contacts and lists; cannot send, export or manage',
  viewer: 'Reads campaigns, statistics and contacts',
};

/** The roles a manager may hand out: an admin never makes an owner. */
export const assignableRoles = (myRole: Role | undefined): Role[] => (myRole === 'owner' ? ['owner', 'admin', 'editor', 'viewer'] : ['admin', 'editor', 'viewer']);
