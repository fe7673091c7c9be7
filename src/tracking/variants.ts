import { sql } from 'kysely';
import type { WorkspaceContext } from '../context.js';

/**
 * A/B variants on human events (SPEC §11): each variant's figures, the probability that
 * each is best, and the winner with its reason. Privacy-proxy opens and scanner clicks
 * never pick a winner. The rule is written out in docs/ab-tests.md.
 */

export type Criterion = 'humanClickRate' | 'humanOpenRate' | 'clickToOpen';

/**
 * One variant's recipients, counted as the campaign's stats count them: `sent` were accepted
 * by the relay, `received` were delivered; opens and clicks are unique recipients (openers
 * include clickers, a click implying an open), all events and human events only.
 */
export interface VariantFigures {
  key: string;
  sent: number;
  received: number;
  /** Recipients who opened (or clicked), any event. */
  opens: number;
  /** Recipients who clicked, any event. */
  clicks: number;
  /** Recipients with a human open or a human click. */
  humanOpens: number;
  /** Recipients with a human click. */
  humanClicks: number;
}

/** The figures, with event totals for the stats. */
export interface VariantCounts extends VariantFigures {
  openEvents: number;
  humanOpenEvents: number;
  clickEvents: number;
  humanClickEvents: number;
}

/** Fewer human actions of the criterion's kind than this in the whole test group, and the test cannot tell. */
export const MIN_HUMAN_ACTIONS = 100;

const n = (value: unknown) => Number(value ?? 0);

/**
 * Per variant, from its messages: the test group's only, before and after the decision (the rest,
 * who waited for the winner, are marked ab_rest). Every variant of the test is listed, in
 * key order, with zeros when none of its messages exist (yet).
 */
export async function variantCounts(ctx: WorkspaceContext, campaignId: number): Promise<VariantCounts[]> {
  const campaign = await ctx.store.db
    .selectFrom('campaigns')
    .select(['channel', 'ab_test'])
    .where('id', '=', campaignId)
    .where('workspace_id', '=', ctx.workspaceId)
    .executeTakeFirst();
  return campaign ? countVariants(ctx, campaignId, campaign) : [];
}

/** The test's variant keys, as stored on the campaign. */
export const declaredVariants = (ctx: WorkspaceContext, abTest: unknown): string[] =>
  ((ctx.store.dialect.readJson(abTest) as { variants?: Array<{ key: string }> } | null)?.variants ?? []).map((v) => v.key);

/** For a campaign already found in the caller's workspace. */
/** Sent, received, and opens and clicks (events and recipients, all and human) summed over messages: the campaign's figures and each variant's. */
export const ENGAGEMENT = [
  sql<number>`count(sent_at)`.as('sent'),
  sql<number>`sum(case when status = 'delivered' then 1 else 0 end)`.as('received'),
  sql<number>`sum(opens)`.as('opens'),
  sql<number>`sum(human_opens)`.as('human_opens'),
  sql<number>`sum(clicks)`.as('clicks'),
  sql<number>`sum(human_clicks)`.as('human_clicks'),
  // A click implies an open: openers include clickers who never loaded the pixel.
  sql<number>`sum(case when opens > 0 or clicks > 0 then 1 else 0 end)`.as('openers'),
  sql<number>`sum(case when human_opens > 0 or human_clicks > 0 then 1 else 0 end)`.as('human_openers'),
  sql<number>`sum(case when clicks > 0 then 1 else 0 end)`.as('clickers'),
  sql<number>`sum(case when human_clicks > 0 then 1 else 0 end)`.as('human_clickers'),
] as const;

export async function countVariants(ctx: WorkspaceContext, campaignId: number, campaign: { channel: string; ab_test: unknown }): Promise<VariantCounts[]> {
  const db = ctx.store.db;
  const sms = campaign.channel === 'sms';
  const declared = declaredVariants(ctx, campaign.ab_test);
  const rows = await db
    .selectFrom('messages')
    .where('campaign_id', '=', campaignId)
    .where('variant', 'is not', null)
    // The test group only: the rest who got the winner afterwards would swell its figures.
    .where('ab_rest', 'is', null)
    .groupBy('variant')
    .select(['variant', ...ENGAGEMENT])
    .execute();
  const byKey = new Map(rows.map((r) => [r.variant!, r]));
  const keys = [...new Set([...declared, ...byKey.keys()])].sort();
  return keys.map((key) => {
    const r = byKey.get(key);
    return {
      key,
      sent: n(r?.sent),
      received: n(r?.received),
      // SMS has no opens: a click does not make an opener there.
      opens: sms ? 0 : n(r?.openers),
      clicks: n(r?.clickers),
      humanOpens: sms ? 0 : n(r?.human_openers),
      humanClicks: n(r?.human_clickers),
      openEvents: sms ? 0 : n(r?.opens),
      humanOpenEvents: sms ? 0 : n(r?.human_opens),
      clickEvents: n(r?.clicks),
      humanClickEvents: n(r?.human_clicks),
    };
  });
}

/** Each variant's figures, in key order, from its messages. */
export async function variantFigures(ctx: WorkspaceContext, campaignId: number): Promise<VariantFigures[]> {
  return (await variantCounts(ctx, campaignId)).map(({ key, sent, received, opens, clicks, humanOpens, humanClicks }) => ({
    key,
    sent,
    received,
    opens,
    clicks,
    humanOpens,
    humanClicks,
  }));
}

/** The criterion as successes out of trials, human events only. */
export function criterionTrials(f: VariantFigures, criterion: Criterion): { successes: number; trials: number } {
  switch (criterion) {
    case 'humanOpenRate':
      return { successes: f.humanOpens, trials: f.received };
    case 'clickToOpen':
      return { successes: f.humanClicks, trials: f.humanOpens };
    default:
      return { successes: f.humanClicks, trials: f.received };
  }
}

const CRITERION_WORDS: Record<Criterion, { rate: string; actions: string }> = {
  humanClickRate: { rate: 'human click rate', actions: 'human clicks' },
  humanOpenRate: { rate: 'human open rate', actions: 'human opens' },
  clickToOpen: { rate: 'human click-to-open rate', actions: 'human clicks' },
};

const percent = (fraction: number) => `${(fraction * 100).toFixed(1)} %`;
const likely = (p: number) => (p >= 0.995 ? 'over 99 %' : p < 0.005 ? 'under 1 %' : `${Math.round(p * 100)} %`);

/**
 * The winner on `criterion` and why (docs/ab-tests.md): fewer than MIN_HUMAN_ACTIONS human
 * actions of the criterion's kind in all → A, too few to tell; several variants level on the
 * best rate → the first of them in key order (A whenever A is one), tied; otherwise the
 * leader on the rate, with the runner-up's rate and the probability that it is best.
 */
export function chooseWinner(figures: VariantFigures[], criterion: Criterion): { winner: string; reason: string } {
  const words = CRITERION_WORDS[criterion] ?? CRITERION_WORDS.humanClickRate;
  const first = figures[0]?.key ?? 'A';
  const trials = figures.map((f) => criterionTrials(f, criterion));
  const actions = trials.reduce((sum, t) => sum + t.successes, 0);
  if (figures.length < 2 || actions < MIN_HUMAN_ACTIONS) {
    return { winner: first, reason: `${first}: too few ${words.actions} to tell (${actions} in all, ${MIN_HUMAN_ACTIONS} needed)` };
  }
  // Rates compared as exact fractions, so that equal rates tie whatever their rounding; no trials is a rate of 0.
  const fraction = (i: number) => ({ s: trials[i]!.trials > 0 ? Math.min(trials[i]!.successes, trials[i]!.trials) : 0, t: Math.max(trials[i]!.trials, 1) });
  const rate = (i: number) => fraction(i).s / fraction(i).t;
  const compare = (i: number, j: number) => fraction(i).s * fraction(j).t - fraction(j).s * fraction(i).t;
  const order = figures.map((_, i) => i).sort((i, j) => compare(j, i) || i - j);
  const [leader, runnerUp] = [order[0]!, order[1]!];
  if (compare(leader, runnerUp) === 0) {
    const level = order.filter((i) => compare(i, leader) === 0).map((i) => figures[i]!.key);
    const others = level.filter((k) => k !== figures[leader]!.key).join(', ');
    return { winner: figures[leader]!.key, reason: `${figures[leader]!.key}: tied with ${others} at ${percent(rate(leader))} ${words.rate}` };
  }
  const best = probabilityBest(trials)[leader]!;
  const key = figures[leader]!.key;
  return {
    winner: key,
    reason: `${key}: ${percent(rate(leader))} ${words.rate} against ${percent(rate(runnerUp))} for ${figures[runnerUp]!.key}; ${likely(best)} likely best`,
  };
}

/*
 * The probability that each variant is best: its rate has the posterior Beta(1 + successes,
 * 1 + failures) from a uniform prior, and P(i best) = ∫ f_i(x) Π_{j≠i} F_j(x) dx, computed by
 * Simpson's rule over the bulk of f_i (±12 standard deviations), with F_j the regularized
 * incomplete beta function. Deterministic, and accurate far beyond the 1 % shown.
 */

const INTERVALS = 400;

/** P(best) for each arm, in order; they sum to 1. */
export function probabilityBest(arms: Array<{ successes: number; trials: number }>): number[] {
  if (arms.length === 0) return [];
  if (arms.length === 1) return [1];
  const posteriors = arms.map(({ successes, trials }) => {
    const s = Math.max(0, Math.min(successes, trials));
    return { a: 1 + s, b: 1 + Math.max(0, trials - s) };
  });
  const raw = posteriors.map((p, i) => {
    const mean = p.a / (p.a + p.b);
    const sd = Math.sqrt((p.a * p.b) / ((p.a + p.b) ** 2 * (p.a + p.b + 1)));
    const lo = Math.max(0, mean - 12 * sd);
    const hi = Math.min(1, mean + 12 * sd);
    const h = (hi - lo) / INTERVALS;
    const logNorm = logBeta(p.a, p.b);
    let sum = 0;
    for (let k = 0; k <= INTERVALS; k++) {
      const x = lo + k * h;
      let value = Math.exp(logBetaDensity(x, p.a, p.b, logNorm));
      if (value === 0) continue;
      for (let j = 0; j < posteriors.length && value > 0; j++) {
        if (j !== i) value *= incompleteBeta(x, posteriors[j]!.a, posteriors[j]!.b);
      }
      sum += (k === 0 || k === INTERVALS ? 1 : k % 2 ? 4 : 2) * value;
    }
    return (sum * h) / 3;
  });
  const total = raw.reduce((s, v) => s + v, 0);
  return total > 0 ? raw.map((v) => v / total) : arms.map(() => 1 / arms.length);
}

function logBetaDensity(x: number, a: number, b: number, logNorm: number): number {
  if (x <= 0) return a === 1 ? -logNorm : -Infinity;
  if (x >= 1) return b === 1 ? -logNorm : -Infinity;
  return (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logNorm;
}

const logBeta = (a: number, b: number) => logGamma(a) + logGamma(b) - logGamma(a + b);

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The regularized incomplete beta function I_x(a, b): the Beta(a, b) distribution function at x. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(x, a, b)) / a;
  return 1 - (front * betaFraction(1 - x, b, a)) / b;
}

/** The continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(x: number, a: number, b: number): number {
  const TINY = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 100_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-13) break;
  }
  return h;
}
