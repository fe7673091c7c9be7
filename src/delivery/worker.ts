import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { campaignRow } from '../campaigns/campaigns.js';
import { runDueAutoRelaunches } from '../audience/autoRelaunch.js';
import { startDueCampaigns } from '../campaigns/sending.js';
import { isTransientDatabaseError } from '../db/connection.js';
import type { CampaignRow } from '../db/schema.js';
import type { AppContext } from '../context.js';
import type { Channel, CompiledCampaign, Rendered, SendOutcome } from './channel.js';
import { createOutboxChannel } from './channels/outbox.js';
import { createSmtpChannel } from './channels/smtp.js';
import { CompiledCache, compileEmailCampaign } from './compile.js';
import { claimBatch, finishIfDone, holdLeases, loadClaimed, reclaimExpiredLeases, recordOutcomes, renewLeases, type Claimed, type Outcome } from './queue.js';
import { compileSmsCampaign } from './sms/compile.js';
import { createSmsChannel } from './sms/channel.js';
import { smsSendHold } from './sms/window.js';

export interface Sender {
  /** Stops claiming work, finishes or releases the batch in flight, then resolves. */
  stop(): Promise<void>;
}

export interface SenderOptions {
  /** Messages leased at once. */
  batchSize: number;
  /** Outcomes written together while a batch is sent: a crash can re-send at most these and the ones in flight. */
  writeEvery: number;
  /** Messages in flight at once; by default twice the SMTP connections (8 for the outbox). */
  concurrency?: number;
  /** Pause between polls when there is nothing to send. */
  idleMs: number;
  /** First retry delay after a temporary failure; doubles with each attempt, up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Attempts before a temporary failure becomes a soft bounce. */
  maxAttempts: number;
  /** Errors in a row (retries, failures) after which a campaign pauses itself. */
  pauseAfterErrors: number;
}

const DEFAULTS: SenderOptions = { batchSize: 250, writeEvery: 50, idleMs: 500, retryBaseMs: 60_000, retryMaxMs: 3_600_000, maxAttempts: 5, pauseAfterErrors: 25 };
const HOUSEKEEPING_MS = 1_000;
const AUTO_RELAUNCH_MS = 30_000;

/** Pause after the n-th failed round in a row: short and capped, so sending resumes within 2 s of the database coming back. */
const retryDelay = (failures: number) => Math.min(250 * 2 ** (failures - 1), 2_000);

/** Spaces sends at most `perSecond` apart on average; no limit without a rate. */
function rateLimiter(perSecond: number | undefined): () => Promise<void> {
  if (!perSecond) return async () => {};
  const interval = 1000 / perSecond;
  let next = 0;
  return async () => {
    const now = performance.now();
    const at = Math.max(now, next);
    next = at + interval;
    if (at - now >= 1) await sleep(at - now);
  };
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function bounded<T>(items: T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/**
 * Writes outcomes in groups as they arrive, one write at a time; close() writes the rest and reports a failed write.
 * A group that failed goes to `unwritten`, which decides whether to write it again later.
 */
function outcomeWriter(write: (outcomes: Outcome[]) => Promise<void>, every: number, unwritten: (outcomes: Outcome[], error: unknown) => void) {
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

type OutcomeWriter = ReturnType<typeof outcomeWriter>;

/** A leased batch, rendered and ready to send; its leases are renewed until it is done. */
interface Batch {
  campaign: CampaignRow;
  items: Array<readonly [Claimed, Rendered | { skip: string }]>;
  outcomes: OutcomeWriter;
  renewal: ReturnType<typeof setInterval>;
}

interface ChannelSet {
  channel: Channel;
  concurrency: number;
  throttle: () => Promise<void>;
}

/**
 * The sending loop: starts scheduled campaigns when due, leases batches of
 * due messages of sending campaigns (round robin between campaigns), renders
 * them through the campaign compiled once, sends them with bounded concurrency
 * under the channel's rate, and writes outcomes in groups as they come. While
 * one batch is on the wire the next one is leased and rendered, so the SMTP
 * connections never wait for the database or the renderer.
 */
export function startSender(ctx: AppContext, overrides: Partial<SenderOptions> = {}): Sender {
  const options = { ...DEFAULTS, ...overrides };
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const channels = new Map<'email' | 'sms', ChannelSet>();
  const errorsInARow = new Map<number, number>();
  const emailCampaigns = new CompiledCache((campaign) => compileEmailCampaign(ctx, campaign));
  const smsCampaigns = new CompiledCache((campaign) => compileSmsCampaign(ctx, campaign));
  /**
   * Outcomes whose write failed because the database went away: the messages were
   * sent (or are to be released), so the write is repeated first thing once the
   * database answers, rather than the leases expiring and the messages going out twice.
   */
  const unwritten: Array<{ campaign: Pick<CampaignRow, 'id' | 'channel'>; outcomes: Outcome[] }> = [];
  let stopping = false;
  let wake = () => {};
  let nextHousekeeping = 0;
  let nextAutoRelaunch = 0;
  let turn = 0;

  async function channelFor(kind: 'email' | 'sms'): Promise<ChannelSet> {
    let set = channels.get(kind);
    if (!set) {
      if (kind === 'sms') {
        // The SMPP link keeps its own window of outstanding requests; this only keeps it full.
        set = { channel: createSmsChannel(ctx) as Channel, concurrency: options.concurrency ?? 20, throttle: rateLimiter(undefined) };
      } else if (ctx.config.smtpUrl) {
        const smtp = createSmtpChannel(ctx.config);
        set = { channel: smtp as Channel, concurrency: options.concurrency ?? smtp.connections * 2, throttle: rateLimiter(smtp.rate) };
      } else {
        set = { channel: createOutboxChannel(ctx.config) as Channel, concurrency: options.concurrency ?? 8, throttle: rateLimiter(undefined) };
      }
      channels.set(kind, set);
    }
    return set;
  }

  async function setReason(campaignId: number, status: 'sending' | 'paused', reason: string | null) {
    await ctx.store.db
      .updateTable('campaigns')
      .set({ status, status_reason: reason, updated_at: ctx.now() })
      .where('id', '=', campaignId)
      .where('status', '=', 'sending')
      .execute();
  }

  function keepUnwritten(campaign: Pick<CampaignRow, 'id' | 'channel'>, outcomes: Outcome[], error: unknown) {
    if (outcomes.length && isTransientDatabaseError(error)) unwritten.push({ campaign, outcomes });
  }

  async function writeUnwritten() {
    while (unwritten.length) {
      const { campaign, outcomes } = unwritten[0]!;
      try {
        await recordOutcomes(ctx, campaign, outcomes, owner);
      } catch (error) {
        // Only a database that is still away is worth waiting for; anything else is reported, and the leases expire.
        if (!isTransientDatabaseError(error)) unwritten.shift();
        throw error;
      }
      unwritten.shift();
    }
  }

  async function housekeeping() {
    if (Date.now() >= nextHousekeeping) {
      nextHousekeeping = Date.now() + HOUSEKEEPING_MS;
      await startDueCampaigns(ctx);
      const sending = await ctx.store.db.selectFrom('campaigns').select('id').where('status', '=', 'sending').execute();
      for (const { id } of sending) await reclaimExpiredLeases(ctx, id);
    }
    if (Date.now() >= nextAutoRelaunch) {
      nextAutoRelaunch = Date.now() + AUTO_RELAUNCH_MS;
      await runDueAutoRelaunches(ctx);
    }
  }

  /** SMS campaigns wait for the legal send window, saying so in their status reason; answers whether this campaign may send now. */
  async function maySend(campaign: CampaignRow): Promise<boolean> {
    if (campaign.channel !== 'sms') return true;
    const hold = smsSendHold(ctx.config.smsSendWindow, ctx.now());
    if ((hold?.reason ?? null) !== campaign.status_reason) await setReason(campaign.id, 'sending', hold?.reason ?? null);
    return !hold;
  }

  function outcomeOf(result: SendOutcome, message: Claimed): Outcome {
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
        if (attempts >= options.maxAttempts) {
          return { id: message.messageId, status: 'bounced', bounceType: 'soft', reason: result.reason, contactId: message.contactId };
        }
        const delay = Math.min(options.retryBaseMs * 2 ** (attempts - 1), options.retryMaxMs) * (0.8 + Math.random() * 0.4);
        return { id: message.messageId, status: 'queued', attempted: true, nextAttemptAt: ctx.now() + Math.round(delay) };
      }
    }
  }

  /** Leases and renders the next batch of the next sending campaign that has one due. */
  async function prepare(): Promise<Batch | undefined> {
    const sending = await ctx.store.db.selectFrom('campaigns').select('id').where('status', '=', 'sending').orderBy('id').execute();
    for (let i = 0; i < sending.length && !stopping; i++) {
      const index = (turn + i) % sending.length;
      const batch = await prepareFor(sending[index]!.id);
      if (batch) {
        turn = index + 1;
        return batch;
      }
    }
    return undefined;
  }

  async function prepareFor(campaignId: number): Promise<Batch | undefined> {
    const campaign = await campaignRow(ctx, campaignId);
    if (campaign.status !== 'sending' || !(await maySend(campaign))) return undefined;
    const ids = await claimBatch(ctx, campaign.id, owner, options.batchSize);
    if (!ids.length) {
      if (await finishIfDone(ctx, campaign.id)) (campaign.channel === 'email' ? emailCampaigns : smsCampaigns).drop(campaign.id);
      return undefined;
    }
    // Leases are renewed while this sender holds the batch: only a dead sender's leases expire.
    const renewal = setInterval(() => void renewLeases(ctx, campaign.id, owner).catch(() => {}), (ctx.config.senderLeaseSeconds * 1000) / 3);
    const outcomes = outcomeWriter((group) => recordOutcomes(ctx, campaign, group, owner), options.writeEvery, (group, error) => keepUnwritten(campaign, group, error));
    try {
      const eligible: Claimed[] = [];
      for (const message of await loadClaimed(ctx, ids, campaign.channel)) {
        if (message.ineligible) outcomes.add({ id: message.messageId, status: 'skipped', reason: message.ineligible });
        else eligible.push(message);
      }
      let compiled: CompiledCampaign;
      try {
        compiled = await (campaign.channel === 'email' ? emailCampaigns : smsCampaigns).get(campaign);
      } catch (error) {
        if (isTransientDatabaseError(error)) throw error;
        // A campaign that cannot be compiled will not get better by retrying: pause with the reason.
        await release(eligible, outcomes, renewal);
        await setReason(campaign.id, 'paused', `The campaign could not be prepared: ${(error as Error).message}`.slice(0, 500));
        return undefined;
      }
      const rendered = await compiled.renderBatch(eligible);
      return { campaign, items: eligible.map((message, i) => [message, rendered[i]!] as const), outcomes, renewal };
    } catch (error) {
      clearInterval(renewal);
      // Leased but not sent: back to the queue as soon as the database answers again, not when the leases expire.
      keepUnwritten(campaign, ids.map((id) => ({ id, status: 'queued', attempted: false })), error);
      throw error;
    }
  }

  /** Gives leased messages back to the queue untouched (stopping, or their campaign was paused meanwhile). */
  async function release(messages: Claimed[], outcomes: OutcomeWriter, renewal: Batch['renewal']): Promise<void> {
    clearInterval(renewal);
    for (const message of messages) outcomes.add({ id: message.messageId, status: 'queued', attempted: false });
    await outcomes.close();
  }

  /** Sends a batch; `halfway` fires once half of it is on its way, to prepare the next one. */
  async function send(batch: Batch, halfway: () => void): Promise<void> {
    const { campaign, outcomes } = batch;
    const messages = batch.items.map(([message]) => message);
    let held: Set<number> | undefined;
    try {
      const current = await ctx.store.db.selectFrom('campaigns').select('status').where('id', '=', campaign.id).executeTakeFirst();
      if (current?.status === 'sending') held = await holdLeases(ctx, messages.map((message) => message.messageId), owner);
    } catch (error) {
      // Nothing sent: the leases must not be renewed any longer, and the messages go back to the queue once the database answers.
      clearInterval(batch.renewal);
      keepUnwritten(campaign, messages.map((message) => ({ id: message.messageId, status: 'queued', attempted: false })), error);
      throw error;
    }
    if (!held) return release(messages, outcomes, batch.renewal);
    const items = batch.items.filter(([message]) => held.has(message.messageId));
    let set: ChannelSet;
    try {
      set = await channelFor(campaign.channel);
    } catch (error) {
      // A channel that cannot be opened (e.g. an unreadable DKIM key) will not open by retrying: pause with the reason.
      await release(messages, outcomes, batch.renewal);
      await setReason(campaign.id, 'paused', `The ${campaign.channel} channel could not be opened: ${(error as Error).message}`.slice(0, 500));
      return;
    }
    const { channel, concurrency, throttle } = set;
    let pauseReason: string | undefined;
    try {
      await bounded(items, concurrency, async ([message, result], index) => {
        if (index === items.length >> 1) halfway();
        if ('skip' in result) return void outcomes.add({ id: message.messageId, status: 'skipped', reason: result.skip });
        if (stopping || pauseReason) return void outcomes.add({ id: message.messageId, status: 'queued', attempted: false });
        await throttle();
        const sent = await channel.send(result).catch((error: Error): SendOutcome => ({ status: 'retry', reason: error.message }));
        outcomes.add(outcomeOf(sent, message));
        if ((sent.status === 'retry' && !sent.throttled) || sent.status === 'failed') {
          const errors = (errorsInARow.get(campaign.id) ?? 0) + 1;
          errorsInARow.set(campaign.id, errors);
          if (errors >= options.pauseAfterErrors && !pauseReason) {
            pauseReason = `Paused after ${errors} sending errors in a row; last: ${sent.reason}`.slice(0, 500);
          }
        } else if (sent.status !== 'retry') {
          errorsInARow.delete(campaign.id);
        }
      });
    } finally {
      clearInterval(batch.renewal);
    }
    await outcomes.close();
    if (pauseReason) {
      errorsInARow.delete(campaign.id);
      await setReason(campaign.id, 'paused', pauseReason);
    }
  }

  let prefetched: Promise<Batch | undefined> | undefined;

  async function tick(): Promise<boolean> {
    await writeUnwritten();
    await housekeeping();
    // Taken before awaiting: a prefetch that failed is reported once, and the next round prepares afresh.
    const next = prefetched ?? prepare();
    prefetched = undefined;
    const batch = await next;
    if (!batch) return false;
    await send(batch, () => {
      if (stopping || prefetched) return;
      prefetched = prepare();
      // Its failure is reported when the next tick awaits it, not as an unhandled rejection now.
      prefetched.catch(() => {});
    });
    return true;
  }

  const running = (async () => {
    // Delivery receipts and STOP replies arrive over the SMPP link: hold it open from the start.
    if (ctx.config.smppUrl) await channelFor('sms').catch((error: Error) => console.error(`sender: SMPP link: ${error.message}`));
    let failures = 0;
    let reported = '';
    while (!stopping) {
      let worked = false;
      try {
        worked = await tick();
        if (failures) console.error(`sender: working again after ${failures} failed attempts`);
        failures = 0;
        reported = '';
      } catch (error) {
        // The database or a channel failed (a restart, a failover): report it once and try again shortly, until it works.
        failures++;
        const message = (error as Error).message;
        if (message !== reported) console.error(`sender: ${message}; trying again`);
        reported = message;
      }
      if ((failures || !worked) && !stopping) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, failures ? retryDelay(failures) : options.idleMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
    const leftover = await prefetched?.catch(() => undefined);
    // A release that fails joins `unwritten`, tried once more below; what is left then returns to the queue when its lease expires.
    if (leftover) await release(leftover.items.map(([message]) => message), leftover.outcomes, leftover.renewal).catch(() => {});
    await writeUnwritten().catch((error: Error) => console.error(`sender: outcomes not written, their leases will expire: ${error.message}`));
    await Promise.all([...channels.values()].map((set) => set.channel.close()));
  })();

  return {
    async stop() {
      stopping = true;
      wake();
      await running;
    },
  };
}
