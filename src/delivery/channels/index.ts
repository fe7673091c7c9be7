import { setTimeout as sleep } from 'node:timers/promises';
import type { AppContext } from '../../context.js';
import type { Channel } from '../channel.js';
import { createSmsChannel } from '../sms/channel.js';
import { createOutboxChannel } from './outbox.js';
import { createSmtpChannel } from './smtp.js';

/** A channel opened for sending, with how many messages it takes at once and the pace they go at. */
export interface OpenChannel {
  channel: Channel;
  concurrency: number;
  throttle: () => Promise<void>;
}

/** Spaces sends at most `perSecond` apart on average; no limit without a rate. */
export function rateLimiter(perSecond: number | undefined): () => Promise<void> {
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

/**
 * The channel a campaign goes out through: SMPP for SMS; for email, SMTP when
 * SMTP_URL is set, else the outbox. `concurrency` overrides the messages in flight
 * (by default twice the SMTP connections, 8 for the outbox, 20 for SMPP).
 * Throws when it cannot be opened (e.g. an unreadable DKIM key).
 */
export function openChannel(ctx: AppContext, kind: 'email' | 'sms', concurrency?: number): OpenChannel {
  if (kind === 'sms') {
    // The SMPP link keeps its own window of outstanding requests; this only keeps it full.
    return { channel: createSmsChannel(ctx) as Channel, concurrency: concurrency ?? 20, throttle: rateLimiter(undefined) };
  }
  if (ctx.config.smtpUrl) {
    const smtp = createSmtpChannel(ctx.config);
    return { channel: smtp as Channel, concurrency: concurrency ?? smtp.connections * 2, throttle: rateLimiter(smtp.rate) };
  }
  return { channel: createOutboxChannel(ctx.config) as Channel, concurrency: concurrency ?? 8, throttle: rateLimiter(undefined) };
}

/** A sender's channels: each opened once, on first use (one that fails to open is tried again next time), and closed together. */
export class Channels {
  private readonly open = new Map<'email' | 'sms', OpenChannel>();
  constructor(
    private readonly ctx: AppContext,
    private readonly concurrency?: number,
  ) {}

  async channelFor(kind: 'email' | 'sms'): Promise<OpenChannel> {
    let open = this.open.get(kind);
    if (!open) {
      open = openChannel(this.ctx, kind, this.concurrency);
      this.open.set(kind, open);
    }
    return open;
  }

  async close(): Promise<void> {
    await Promise.all([...this.open.values()].map((open) => open.channel.close()));
  }
}
