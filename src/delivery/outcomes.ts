import { isTransientDatabaseError } from '../db/connection.js';
import type { CampaignRow } from '../db/schema.js';
import type { AppContext } from '../context.js';
import { recordOutcomes, type Outcome } from './queue.js';

/** Recording outcomes while a batch is sent: in groups as they arrive, and through a database outage. */

export type OutcomeWriter = ReturnType<typeof outcomeWriter>;

/**
 * Writes outcomes in groups as they arrive, one write at a time; close() writes the rest and reports a failed write.
 * A group that failed goes to `unwritten`, which decides whether to write it again later.
 */
export function outcomeWriter(write: (outcomes: Outcome[]) => Promise<void>, every: number, unwritten: (outcomes: Outcome[], error: unknown) => void) {
  let pending: Outcome[] = [];
  let writes = Promise.resolve();
  let failure: unknown;
  const flush = () => {
    const group = pending;
    pending = [];
    writes = writes
      .then(() => (group.length ? write(group) : undefined))
      .catch((error: unknown) => {
        failure ??= error;
        unwritten(group, error);
      });
    return writes;
  };
  return {
    add(outcome: Outcome) {
      pending.push(outcome);
      if (pending.length >= every) void flush();
    },
    async close() {
      await flush();
      if (failure) throw failure;
    },
  };
}

/**
 * Outcomes whose write failed because the database went away: the messages were
 * sent (or are to be released), so the write is repeated first thing once the
 * database answers, rather than the leases expiring and the messages going out twice.
 */
export class UnwrittenOutcomes {
  private readonly groups: Array<{ campaign: Pick<CampaignRow, 'id' | 'channel'>; outcomes: Outcome[] }> = [];
  constructor(
    private readonly ctx: AppContext,
    private readonly owner: string,
  ) {}

  /** Keeps these outcomes when the write failed for a database that is away; anything else is not worth repeating. */
  keep(campaign: Pick<CampaignRow, 'id' | 'channel'>, outcomes: Outcome[], error: unknown): void {
    if (outcomes.length && isTransientDatabaseError(error)) this.groups.push({ campaign, outcomes });
  }

  /** Writes what was kept, oldest first; throws while the database is still away. */
  async write(): Promise<void> {
    while (this.groups.length) {
      const { campaign, outcomes } = this.groups[0]!;
      try {
        await recordOutcomes(this.ctx, campaign, outcomes, this.owner);
      } catch (error) {
        // Only a database that is still away is worth waiting for; anything else is reported, and the leases expire.
        if (!isTransientDatabaseError(error)) this.groups.shift();
        throw error;
      }
      this.groups.shift();
    }
  }
}
