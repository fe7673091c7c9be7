import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { isTransientDatabaseError } from '../db/connection.js';
import type { CampaignRow } from '../db/schema.js';
import type { AppContext } from '../context.js';
import type { CompiledCampaign, Rendered, SendOutcome } from './channel.js';
import { Channels, type OpenChannel } from './channels/index.js';
import { CompiledCache, compileEmailCampaign } from './compile.js';
import { outcomeWriter, UnwrittenOutcomes, type OutcomeWriter } from './outcomes.js';
import { claimBatch, holdLeases, loadClaimed, recordOutcomes, renewLeases, type Claimed, type Outcome } from './queue.js';
import { ErrorStreaks, outcomeOf, type RetryPolicy } from './retry.js';
import { smsBatching } from './sms/batching.js';
import { compileSmsCampaign } from './sms/compile.js';

/**
 * A batch's way out, in steps: lease → render → send → record. The caller picks
 * the campaign and runs the steps; the pipeline never changes a campaign's status.
 * When a campaign cannot go on (its template no longer compiles, its channel
 * cannot be opened, too many errors in a row) a step gives its messages back to
 * the queue and answers `{ pause: reason }`, for the caller to pause it.
 *
 * Through a database outage: outcomes whose write failed are kept in memory and
 * written first once the database answers (`writeUnwritten`), and a batch leased
 * but not sent goes back to the queue the same way, its leases no longer renewed.
 */

export interface PipelineOptions extends RetryPolicy {
  /** Messages leased at once. */
  batchSize: number;
  /** Outcomes written together while a batch is sent: a crash can re-send at most these and the ones in flight. */
  writeEvery: number;
  /** Messages in flight at once; by default the channel's (twice the SMTP connections, 8 for the outbox). */
  concurrency?: number;
}

/** Why a campaign cannot go on: the caller pauses it with this reason. */
export interface PauseFor {
  pause: string;
}

/** Leased messages of one campaign; their leases are renewed until the batch's outcomes are written or it is given back. */
export interface Leased {
  campaign: CampaignRow;
  ids: number[];
  outcomes: OutcomeWriter;
  renewal: ReturnType<typeof setInterval>;
  /** Until when the leases were last written (claimed or renewed), by this sender's clock. */
  lease: { until: number };
}

/** A leased batch, rendered and ready to send. */
export interface Batch extends Leased {
  items: Array<readonly [Claimed, Rendered | { skip: string }]>;
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

const back = (id: number): Outcome => ({ id, status: 'queued', attempted: false });

export class DeliveryPipeline {
  /** Whose leases these are: one owner per sender process and start. */
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly channels: Channels;
  private readonly compiled: Record<'email' | 'sms', CompiledCache<CompiledCampaign>>;
  private readonly unwritten: UnwrittenOutcomes;
  private readonly errors: ErrorStreaks;
  private stopping = false;
  /** The last batch sent, its last outcomes still being written. */
  private recording: Promise<void> | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly options: PipelineOptions,
  ) {
    this.channels = new Channels(ctx, options.concurrency);
    this.compiled = {
      email: new CompiledCache((campaign) => compileEmailCampaign(ctx, campaign)),
      sms: new CompiledCache((campaign) => compileSmsCampaign(ctx, campaign)),
    };
    this.unwritten = new UnwrittenOutcomes(ctx, this.owner);
    this.errors = new ErrorStreaks(options.pauseAfterErrors);
  }

  /** Lease: up to `batchSize` due messages of the campaign, or undefined when none is due. */
  async lease(campaign: CampaignRow): Promise<Leased | undefined> {
    const { ctx, owner } = this;
    // SMS are quick on the wire: larger batches and outcome groups keep the database's share per SMS low.
    const { batchSize, writeEvery } = campaign.channel === 'sms' ? smsBatching(this.options) : this.options;
    const leaseMs = ctx.config.senderLeaseSeconds * 1000;
    const lease = { until: ctx.now() + leaseMs };
    const ids = await claimBatch(ctx, campaign.id, owner, batchSize);
    if (!ids.length) return undefined;
    // Leases are renewed while this sender holds the batch: only a dead sender's leases expire.
    const renewal = setInterval(() => {
      const until = ctx.now() + leaseMs;
      renewLeases(ctx, campaign.id, owner).then(
        () => void (lease.until = until),
        () => {},
      );
    }, leaseMs / 3);
    const outcomes = outcomeWriter(
      (group) => recordOutcomes(ctx, campaign, group, owner),
      writeEvery,
      (group, error) => this.unwritten.keep(campaign, group, error),
    );
    return { campaign, ids, outcomes, renewal, lease };
  }

  /** Render: contacts checked again (skipped if they may no longer receive it), then the campaign compiled once renders the rest. */
  async render(leased: Leased): Promise<Batch | PauseFor> {
    const { campaign, ids, outcomes, renewal } = leased;
    try {
      const eligible: Claimed[] = [];
      for (const message of await loadClaimed(this.ctx, ids, campaign.channel)) {
        if (message.ineligible) outcomes.add({ id: message.messageId, status: 'skipped', reason: message.ineligible });
        else eligible.push(message);
      }
      let compiled: CompiledCampaign;
      try {
        compiled = await this.compiled[campaign.channel].get(campaign);
      } catch (error) {
        if (isTransientDatabaseError(error)) throw error;
        // A campaign that cannot be compiled will not get better by retrying.
        await this.giveBack(eligible, outcomes, renewal);
        return { pause: `The campaign could not be prepared: ${(error as Error).message}`.slice(0, 500) };
      }
      const rendered = await compiled.renderBatch(eligible);
      return { ...leased, items: eligible.map((message, i) => [message, rendered[i]!] as const) };
    } catch (error) {
      clearInterval(renewal);
      // Leased but not sent: back to the queue as soon as the database answers again, not when the leases expire.
      this.unwritten.keep(campaign, ids.map(back), error);
      throw error;
    }
  }

  /**
   * Send and record: sends only the messages this sender still holds (when its leases
   * were last written long enough ago for an outage to have let them expire, it renews
   * them first and keeps those it still has), with bounded concurrency under the
   * channel's pace, writing outcomes in groups as they arrive. Gives the batch back
   * untouched when `stillSending` says the campaign stopped meanwhile; `underWay` fires
   * once the batch is on its way: halfway through an email batch, at the first SMS of
   * an SMS batch (a thousand SMS leave in less time than the next batch takes to
   * prepare). Answers once every message is sent: the batch's last outcomes are still
   * being written while the next batch goes out, and a failed write is thrown by the
   * next `send` or by `settle` (its outcomes kept, see UnwrittenOutcomes). The batch's
   * leases are renewed until then.
   */
  async send(batch: Batch, steps: { stillSending: () => Promise<boolean>; underWay: () => void }): Promise<PauseFor | undefined> {
    const { campaign, outcomes } = batch;
    const messages = batch.items.map(([message]) => message);
    let held: Set<number> | undefined;
    const ids = messages.map((message) => message.messageId);
    // Leases written less than half a lease ago cannot have expired: nobody else may have taken these messages,
    // and renewing them would rewrite every row (and index entry) of the batch once more.
    const fresh = batch.lease.until - this.ctx.now() > (this.ctx.config.senderLeaseSeconds * 1000) / 2;
    try {
      if (await steps.stillSending()) held = fresh ? new Set(ids) : await holdLeases(this.ctx, ids, this.owner);
    } catch (error) {
      // Nothing sent: the leases must not be renewed any longer, and the messages go back to the queue once the database answers.
      clearInterval(batch.renewal);
      this.unwritten.keep(campaign, messages.map((message) => back(message.messageId)), error);
      throw error;
    }
    if (!held) return void (await this.release(batch));
    const items = batch.items.filter(([message]) => held.has(message.messageId));
    let open: OpenChannel;
    try {
      open = await this.channels.channelFor(campaign.channel);
    } catch (error) {
      // A channel that cannot be opened (e.g. an unreadable DKIM key) will not open by retrying.
      await this.release(batch);
      return { pause: `The ${campaign.channel} channel could not be opened: ${(error as Error).message}`.slice(0, 500) };
    }
    const { channel, concurrency, throttle } = open;
    let pauseReason: string | undefined;
    const ahead = campaign.channel === 'sms' ? 0 : items.length >> 1;
    try {
      await bounded(items, concurrency, async ([message, result], index) => {
        if (index === ahead) steps.underWay();
        if ('skip' in result) return void outcomes.add({ id: message.messageId, status: 'skipped', reason: result.skip });
        if (this.stopping || pauseReason) return void outcomes.add(back(message.messageId));
        await throttle();
        const sent = await channel.send(result).catch((error: Error): SendOutcome => ({ status: 'retry', reason: error.message }));
        outcomes.add(outcomeOf(this.options, sent, message, this.ctx.now()));
        pauseReason ??= this.errors.count(campaign.id, sent);
      });
    } catch (error) {
      clearInterval(batch.renewal);
      throw error;
    }
    const recorded = outcomes.close().finally(() => clearInterval(batch.renewal));
    // Reported by whoever awaits it next; not an unhandled rejection meanwhile.
    recorded.catch(() => {});
    const previous = this.recording;
    this.recording = recorded;
    await previous;
    if (!pauseReason) return undefined;
    this.recording = undefined;
    await recorded;
    this.errors.clear(campaign.id);
    return { pause: pauseReason };
  }

  /** Waits for the last batch's outcomes to be written; throws when the write failed (its outcomes are kept unwritten). */
  async settle(): Promise<void> {
    const recording = this.recording;
    this.recording = undefined;
    await recording;
  }

  /** Gives a leased batch back to the queue untouched (stopping, or its campaign stopped meanwhile). */
  async release(batch: Batch): Promise<void> {
    await this.giveBack(
      batch.items.map(([message]) => message),
      batch.outcomes,
      batch.renewal,
    );
  }

  private async giveBack(messages: Claimed[], outcomes: OutcomeWriter, renewal: Leased['renewal']): Promise<void> {
    clearInterval(renewal);
    for (const message of messages) outcomes.add(back(message.messageId));
    await outcomes.close();
  }

  /** Writes the outcomes kept while the database was away; throws while it still is. */
  writeUnwritten(): Promise<void> {
    return this.unwritten.write();
  }

  /** Opens the campaign kind's channel now rather than at its first batch (SMPP receipts and replies arrive over the link). */
  async openChannel(kind: 'email' | 'sms'): Promise<void> {
    await this.channels.channelFor(kind);
  }

  /** A campaign that is done: its compiled template is no longer needed. */
  forget(campaign: Pick<CampaignRow, 'id' | 'channel'>): void {
    this.compiled[campaign.channel].drop(campaign.id);
  }

  /** The batch on the wire gives back the messages it has not sent yet. */
  stop(): void {
    this.stopping = true;
  }

  async close(): Promise<void> {
    // A failed write was kept (writeUnwritten); the channels close once nothing is left being written.
    await this.settle().catch(() => {});
    await this.channels.close();
  }
}
