import type { Api, AppContext } from '../http/context.js';

/** Behavioral tracking rows, segments, filters, summary, actions, saved views, lineage, auto-relaunch. */
export function audienceRoutes(_app: Api, _ctx: AppContext): void {}
