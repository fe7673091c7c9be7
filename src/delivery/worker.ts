import type { AppContext } from '../http/context.js';

export interface Sender {
  /** Stops claiming work, finishes or releases the batch in flight, then resolves. */
  stop(): Promise<void>;
}

/** The sending loop: claims due messages of sending campaigns and submits them. */
export function startSender(_ctx: AppContext): Sender {
  return { stop: async () => {} };
}
