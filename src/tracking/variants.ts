import type { WorkspaceContext } from '../context.js';

/**
 * A/B variants on human events (SPEC §11): each variant's figures, the probability that
 * each is best, and the winner with its reason. Privacy-proxy opens and scanner clicks
 * never pick a winner.
 */

export type Criterion = 'humanClickRate' | 'humanOpenRate' | 'clickToOpen';

export interface VariantFigures {
  key: string;
  sent: number;
  received: number;
  opens: number;
  clicks: number;
  humanOpens: number;
  humanClicks: number;
}

/** Each variant's figures, in key order, from its messages. */
export async function variantFigures(_ctx: WorkspaceContext, _campaignId: number): Promise<VariantFigures[]> {
  return [];
}

/** The winner on `criterion` and why; A with the reason when the test is tied or too small to tell. */
export function chooseWinner(figures: VariantFigures[], _criterion: Criterion): { winner: string; reason: string } {
  return { winner: figures[0]?.key ?? 'A', reason: 'not yet' };
}
