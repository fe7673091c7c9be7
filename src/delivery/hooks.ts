import type { CampaignRow } from '../db/schema.js';
import type { AppContext } from '../http/context.js';
import type { Channel, CompiledCampaign, RenderedSms } from './channel.js';

/**
 * Features the sender drives but other modules provide, loaded when present:
 * SMS compile and channel (src/delivery/sms/) and due auto-relaunches
 * (src/audience/autoRelaunch.ts). Absent ones leave the sender working without them.
 */
export interface OptionalHooks {
  sms?: {
    compile(ctx: AppContext, campaign: CampaignRow): Promise<CompiledCampaign>;
    channel(ctx: AppContext): Channel<RenderedSms>;
    hold(window: string, nowMs: number): { until: number; reason: string } | undefined;
  };
  runDueAutoRelaunches?: (ctx: AppContext) => Promise<number>;
}

async function optional(specifier: string): Promise<Record<string, any> | undefined> {
  try {
    return (await import(specifier)) as Record<string, any>;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module|Failed to load url/.test(String(error))) return undefined;
    throw error;
  }
}

let loaded: Promise<OptionalHooks> | undefined;

export function optionalHooks(): Promise<OptionalHooks> {
  loaded ??= (async () => {
    const [compile, channel, window, relaunch] = await Promise.all(
      ['./sms/compile.js', './sms/channel.js', './sms/window.js', '../audience/autoRelaunch.js'].map((s) => optional(s)),
    );
    const sms =
      compile?.compileSmsCampaign && channel?.createSmsChannel && window?.smsSendHold
        ? { compile: compile.compileSmsCampaign, channel: channel.createSmsChannel, hold: window.smsSendHold }
        : undefined;
    return { sms, runDueAutoRelaunches: relaunch?.runDueAutoRelaunches };
  })();
  return loaded;
}
