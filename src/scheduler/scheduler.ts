import { runDueAutoRelaunches } from '../audience/autoRelaunch.js';
import { decideDueTests } from '../campaigns/abTest.js';
import { reclaimExpiredLeases, sendingCampaigns, startDueCampaigns } from '../campaigns/sending.js';
import { inWorkspace, type AppContext } from '../context.js';
import type { PipelineOptions } from '../delivery/pipeline.js';
import { RETRY_POLICY } from '../delivery/retry.js';
import { expireSignups } from '../forms/expiry.js';
import { Sender } from './sender.js';

/**
 * What runs by itself (`ricochet worker`, and `ricochet serve` unless --no-worker):
 * one loop that starts scheduled campaigns when due, puts messages whose lease
 * expired back in the queue, decides A/B tests whose wait is over (../campaigns/abTest.ts), runs due auto-relaunches, removes sign-ups never
 * confirmed (../forms/expiry.ts), and sends (./sender.ts),
 * for every workspace: each campaign is worked on in its own workspace.
 * A database that goes away (a restart, a failover) does not end it: a failed
 * round is reported once and tried again shortly, until it works.
 */

export interface Scheduler {
  /** Stops claiming work, finishes or releases the batch in flight, then resolves. */
  stop(): Promise<void>;
}

export interface SchedulerOptions extends PipelineOptions {
  /** Pause between rounds when there is nothing to send. */
  idleMs: number;
}

const DEFAULTS: SchedulerOptions = { batchSize: 250, writeEvery: 50, idleMs: 500, ...RETRY_POLICY };
const HOUSEKEEPING_MS = 1_000;
const AUTO_RELAUNCH_MS = 30_000;
/** Unconfirmed sign-ups expire after days: a sweep every few minutes is plenty. */
const SIGNUP_EXPIRY_MS = 5 * 60_000;

/** Pause after the n-th failed round in a row: short and capped, so work resumes within 2 s of the database coming back. */
const afterFailedRounds = (failures: number) => Math.min(250 * 2 ** (failures - 1), 2_000);

export function startScheduler(ctx: AppContext, overrides: Partial<SchedulerOptions> = {}): Scheduler {
  const options = { ...DEFAULTS, ...overrides };
  const sender = new Sender(ctx, options);
  let stopping = false;
  let wake = () => {};
  let nextHousekeeping = 0;
  let nextAutoRelaunch = 0;
  let nextSignupExpiry = 0;

  async function housekeeping() {
    if (Date.now() >= nextHousekeeping) {
      nextHousekeeping = Date.now() + HOUSEKEEPING_MS;
      await startDueCampaigns(ctx);
      await decideDueTests(ctx);
      for (const { id, workspaceId } of await sendingCampaigns(ctx)) await reclaimExpiredLeases(inWorkspace(ctx, workspaceId), id);
    }
    if (Date.now() >= nextAutoRelaunch) {
      nextAutoRelaunch = Date.now() + AUTO_RELAUNCH_MS;
      await runDueAutoRelaunches(ctx);
    }
    if (Date.now() >= nextSignupExpiry) {
      nextSignupExpiry = Date.now() + SIGNUP_EXPIRY_MS;
      await expireSignups(ctx, ctx.now());
    }
  }

  /** One round; answers whether a batch was sent. */
  async function round(): Promise<boolean> {
    // Outcomes kept through an outage are written first, so reclaiming leases cannot put messages already sent back in the queue.
    await sender.writeUnwritten();
    await housekeeping();
    return sender.sendNextBatch();
  }

  const running = (async () => {
    if (ctx.config.smppUrl) await sender.openSmsLink().catch((error: Error) => console.error(`sender: SMPP link: ${error.message}`));
    let failures = 0;
    let reported = '';
    while (!stopping) {
      let worked = false;
      try {
        worked = await round();
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
          const timer = setTimeout(resolve, failures ? afterFailedRounds(failures) : options.idleMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
    await sender.close();
  })();

  return {
    async stop() {
      stopping = true;
      sender.stop();
      wake();
      await running;
    },
  };
}
