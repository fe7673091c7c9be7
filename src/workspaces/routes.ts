import type { AppContext } from '../context.js';
import type { Api } from '../http/api.js';

/** Workspaces, members, invitations and API keys (SPEC §9). */
export function workspaceRoutes(_app: Api, _ctx: AppContext): void {}
