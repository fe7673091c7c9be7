import type { SendOutcome } from './channel.js';
import type { Claimed, Outcome } from './queue.js';

/** What the sender does with a temporary failure, and when a campaign has failed too often to go on. */
export interface RetryPolicy {
  /** First retry delay after a temporary failure; doubles with each attempt, up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Attempts before a temporary failure becomes a soft bounce. */
  maxAttempts: number;
  /** Errors in a row (retries, failures) after which a campaign pauses itself. */
  pauseAfterErrors: number;
}

export const RETRY_POLICY: RetryPolicy = { retryBaseMs: 60_000, retryMaxMs: 3_600_000, maxAttempts: 5, pauseAfterErrors: 25 };

/** Delay before the next attempt after `attempts` failed ones: base × 2^(attempts−1), capped, ±20 % so that a batch's retries spread out. */
export function retryDelay(policy: RetryPolicy, attempts: number): number {
  return Math.round(Math.min(policy.retryBaseMs * 2 ** (attempts - 1), policy.retryMaxMs) * (0.8 + Math.random() * 0.4));
}

/** What a channel's answer makes of a message: a temporary failure is queued again later, and becomes a soft bounce at the last attempt. */
export function outcomeOf(policy: RetryPolicy, result: SendOutcome, message: Claimed, now: number): Outcome {
  switch (result.status) {
    case 'sent':
    case 'delivered':
      return { id: message.messageId, status: result.status, providerId: result.providerId };
    case 'bounced':
      return { id: message.messageId, status: 'bounced', bounceType: result.type, reason: result.reason, contactId: message.contactId };
    case 'failed':
      return { id: message.messageId, status: 'failed', reason: result.reason };
    case 'retry': {
      const attempts = message.attempts + 1;
      if (attempts >= policy.maxAttempts) {
        return { id: message.messageId, status: 'bounced', bounceType: 'soft', reason: result.reason, contactId: message.contactId };
      }
      return { id: message.messageId, status: 'queued', attempted: true, nextAttemptAt: now + retryDelay(policy, attempts) };
    }
  }
}

/**
 * Sending errors in a row per campaign. A temporary or permanent failure counts;
 * throttling does not (the peer asked to slow down, which says nothing about the
 * campaign), nor does it end a streak; anything accepted or bounced ends it.
 */
export class ErrorStreaks {
  private readonly counts = new Map<number, number>();
  constructor(private readonly limit: number) {}

  /** Counts this answer; once the campaign reaches the limit, answers why it should pause. */
  count(campaignId: number, result: SendOutcome): string | undefined {
    if ((result.status === 'retry' && !result.throttled) || result.status === 'failed') {
      const errors = (this.counts.get(campaignId) ?? 0) + 1;
      this.counts.set(campaignId, errors);
      if (errors >= this.limit) return `Paused after ${errors} sending errors in a row; last: ${result.reason}`.slice(0, 500);
    } else if (result.status !== 'retry') {
      this.counts.delete(campaignId);
    }
    return undefined;
  }

  /** Starts the campaign's count again (it is being paused). */
  clear(campaignId: number): void {
    this.counts.delete(campaignId);
  }
}
