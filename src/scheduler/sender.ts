import { abHoldReason, testSent } from '../campaigns/abTest.js';
import { campaignRow } from '../campaigns/campaigns.js';
import { finishIfDone, isSending, pauseWithReason, sendingCampaigns, setHoldReason } from '../campaigns/sending.js';
import type { CampaignRow } from '../db/schema.js';
import { inWorkspace, type AppContext, type WorkspaceContext } from '../context.js';
import { DeliveryPipeline, type Batch, type PipelineOptions } from '../delivery/pipeline.js';
import { smsSendHold } from '../delivery/sms/window.js';

/**
 * The sender: takes the sending campaigns in turn (round robin) and runs a batch
 * of the next one with messages due through the delivery pipeline (lease → render
 * → send → record). It changes campaign status on the way, always through
 * campaigns/sending.ts: an SMS campaign outside the legal send window holds and
 * says until when, a campaign with no queued message left becomes sent, and one
 * that cannot go on pauses with the reason. While one batch is on the wire the
 * next one is leased and rendered, and its last outcomes are written while the
 * next one goes out, so the channel never waits for the database or the renderer.
 * It serves every workspace, and works on each campaign in the campaign's own
 * workspace.
 */
export class Sender {
  private readonly pipeline: DeliveryPipeline;
  private turn = 0;
  private stopping = false;
  /** The next batch, leased and rendered while the current one is sent. */
  private prefetched: Promise<Batch | undefined> | undefined;

  constructor(
    private readonly ctx: AppContext,
    options: PipelineOptions,
  ) {
    this.pipeline = new DeliveryPipeline(ctx, options);
  }

  /** Sends one batch of the next campaign that has one due; false when none had. */
  async sendNextBatch(): Promise<boolean> {
    // Taken before awaiting: a prefetch that failed is reported once, and the next round prepares afresh.
    const prefetched = this.prefetched;
    this.prefetched = undefined;
    let batch = await (prefetched ?? this.prepare());
    // Prepared while the last batch was on the wire, it may have found nothing only because that batch was not
    // written yet: looking again now finishes a campaign that is done without waiting for the next round.
    if (!batch && prefetched && !this.stopping) batch = await this.prepare();
    if (!batch) return false;
    const ctx = this.within(batch.campaign);
    const paused = await this.pipeline.send(batch, {
      stillSending: () => isSending(ctx, batch.campaign.id),
      underWay: () => {
        if (this.stopping || this.prefetched) return;
        this.prefetched = this.prepare();
        // Its failure is reported when the next round awaits it, not as an unhandled rejection now.
        this.prefetched.catch(() => {});
      },
    });
    if (paused) await pauseWithReason(ctx, batch.campaign.id, paused.pause);
    return true;
  }

  /** Writes the outcomes kept while the database was away; throws while it still is. */
  writeUnwritten(): Promise<void> {
    return this.pipeline.writeUnwritten();
  }

  /** Opens the SMPP link at once: delivery receipts and STOP replies arrive over it, campaign or not. */
  openSmsLink(): Promise<void> {
    return this.pipeline.openChannel('sms');
  }

  /** Stops preparing batches; the one on the wire gives back what it has not sent. */
  stop(): void {
    this.stopping = true;
    this.pipeline.stop();
  }

  /** After the last round: gives back a batch prepared ahead, writes what can be written, closes the channels. */
  async close(): Promise<void> {
    const leftover = await this.prefetched?.catch(() => undefined);
    // A release that fails is kept unwritten, tried once more below; what is left then returns to the queue when its lease expires.
    if (leftover) await this.pipeline.release(leftover).catch(() => {});
    // The last batch's outcomes still being written: a failed write keeps them for the line below.
    await this.pipeline.settle().catch(() => {});
    await this.pipeline.writeUnwritten().catch((error: Error) => console.error(`sender: outcomes not written, their leases will expire: ${error.message}`));
    await this.pipeline.close();
  }

  /** Leases and renders the next batch of the next sending campaign that has one due. */
  private async prepare(): Promise<Batch | undefined> {
    const sending = await sendingCampaigns(this.ctx);
    for (let i = 0; i < sending.length && !this.stopping; i++) {
      const index = (this.turn + i) % sending.length;
      const { id, workspaceId } = sending[index]!;
      const batch = await this.prepareFor(inWorkspace(this.ctx, workspaceId), id);
      if (batch) {
        this.turn = index + 1;
        return batch;
      }
    }
    return undefined;
  }

  private async prepareFor(ctx: WorkspaceContext, campaignId: number): Promise<Batch | undefined> {
    const campaign = await campaignRow(ctx, campaignId);
    if (campaign.status !== 'sending' || !(await this.maySend(ctx, campaign))) return undefined;
    const leased = await this.pipeline.lease(campaign);
    if (!leased) {
      // Nothing due: the campaign is done once the last batch's outcomes are written.
      await this.pipeline.settle();
      if (await finishIfDone(ctx, campaign.id)) {
        this.pipeline.forget(campaign);
        if (campaign.ab_status) await testSent(ctx, campaign.id);
      }
      return undefined;
    }
    const rendered = await this.pipeline.render(leased);
    if ('pause' in rendered) return void (await pauseWithReason(ctx, campaign.id, rendered.pause));
    return rendered;
  }

  /**
   * SMS campaigns wait for the legal send window, saying so in their status reason (or, outside a hold,
   * that their A/B test runs); answers whether this campaign may send now.
   */
  private async maySend(ctx: WorkspaceContext, campaign: CampaignRow): Promise<boolean> {
    if (campaign.channel !== 'sms') return true;
    const hold = smsSendHold(ctx.config.smsSendWindow, ctx.now());
    const reason = hold?.reason ?? abHoldReason(campaign);
    if (reason !== campaign.status_reason) await setHoldReason(ctx, campaign.id, reason);
    return !hold;
  }

  /** The campaign's own workspace, as Ricochet itself. */
  private within(campaign: CampaignRow): WorkspaceContext {
    return inWorkspace(this.ctx, campaign.workspace_id);
  }
}
