import type { Kysely } from 'kysely';
import type { Store } from '../db/connection.js';
import type { CampaignRow, Database } from '../db/schema.js';
import type { WorkspaceContext } from '../context.js';
import type { Campaign, VariantKey } from './schemas.js';

/**
 * A/B tests (SPEC §11). When an A/B campaign starts, its test group is drawn from the
 * queued messages and split evenly between the variants; the rest wait (queued, not due)
 * until a winner is chosen, which sends them that variant.
 */

/** Draws the test group of a campaign that starts sending, in the transaction that froze its audience. */
export async function drawTestGroup(_db: Kysely<Database>, _store: Store, _campaign: CampaignRow): Promise<void> {}

/** An admin picks the winner now (POST /api/campaigns/:id/ab/winner). */
export async function pickWinner(_ctx: WorkspaceContext, _id: number, _variant: VariantKey): Promise<Campaign> {
  throw new Error('not yet');
}
