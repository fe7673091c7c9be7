import type { Api, AppContext } from '../http/context.js';

/** Campaign CRUD, send/pause/resume/cancel, test sends. */
export function campaignRoutes(_app: Api, _ctx: AppContext): void {}
