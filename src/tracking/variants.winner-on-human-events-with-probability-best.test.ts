import { describe, expect, it } from 'vitest';
import { chooseWinner, incompleteBeta, probabilityBest, type VariantFigures } from './variants.js';

/*
 * probabilityBest is checked against computations that share nothing with it: the
 * closed form for two Beta posteriors with integer parameters (a finite sum), and a
 * Monte Carlo estimate from a seeded generator (Beta draws as ratios of Gamma draws).
 */

type Arm = { successes: number; trials: number };

/** ln((n-1)!) for a whole n, as a plain sum of logarithms. */
const logFactorialBelow = (n: number) => {
  let sum = 0;
  for (let k = 2; k < n; k++) sum += Math.log(k);
  return sum;
};
const logB = (a: number, b: number) => logFactorialBelow(a) + logFactorialBelow(b) - logFactorialBelow(a + b);

/** P(p_B > p_A) for Beta(aA, bA) and Beta(aB, bB) with whole parameters: Σ_{i<aB} B(aA+i, bA+bB) / ((bB+i) B(1+i, bB) B(aA, bA)). */
function closedFormBBeatsA(armA: Arm, armB: Arm): number {
  const [aA, bA, aB, bB] = [1 + armA.successes, 1 + armA.trials - armA.successes, 1 + armB.successes, 1 + armB.trials - armB.successes];
  let sum = 0;
  for (let i = 0; i < aB; i++) sum += Math.exp(logB(aA + i, bA + bB) - Math.log(bB + i) - logB(1 + i, bB) - logB(aA, bA));
  return sum;
}

/** A small seeded generator (mulberry32): the same seed, the same draws. */
function generator(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function monteCarloBest(arms: Arm[], seed: number, draws: number): number[] {
  const random = generator(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  // Marsaglia and Tsang's method for Gamma(shape ≥ 1).
  const gamma = (shape: number) => {
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const z = normal();
      const v = (1 + c * z) ** 3;
      if (v <= 0) continue;
      if (Math.log(1 - random()) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  const wins = arms.map(() => 0);
  for (let d = 0; d < draws; d++) {
    let best = -1;
    let bestValue = -1;
    arms.forEach((arm, i) => {
      const x = gamma(1 + arm.successes);
      const value = x / (x + gamma(1 + arm.trials - arm.successes));
      if (value > bestValue) [best, bestValue] = [i, value];
    });
    wins[best]!++;
  }
  return wins.map((w) => w / draws);
}

describe('the probability that each variant is best', () => {
  it('is 1/k for each of k variants with the same data', () => {
    for (const k of [2, 3, 4]) {
      const best = probabilityBest(Array.from({ length: k }, () => ({ successes: 37, trials: 412 })));
      for (const p of best) expect(p).toBeCloseTo(1 / k, 9);
    }
    expect(probabilityBest([{ successes: 0, trials: 0 }, { successes: 0, trials: 0 }])).toEqual([0.5, 0.5]);
  });

  it('gives B about 0.98 on 10/100 against 20/100, as the closed form does', () => {
    const [a, b] = probabilityBest([{ successes: 10, trials: 100 }, { successes: 20, trials: 100 }]);
    const exact = closedFormBBeatsA({ successes: 10, trials: 100 }, { successes: 20, trials: 100 });
    expect(exact).toBeGreaterThan(0.97);
    expect(exact).toBeLessThan(0.98);
    expect(b).toBeCloseTo(exact, 6);
    expect(a! + b!).toBeCloseTo(1, 12);
  });

  it('equals the closed form on small, empty, lopsided and large tests', () => {
    const pairs: Array<[Arm, Arm]> = [
      [{ successes: 0, trials: 0 }, { successes: 3, trials: 10 }],
      [{ successes: 0, trials: 50 }, { successes: 1, trials: 50 }],
      [{ successes: 45, trials: 50 }, { successes: 40, trials: 50 }],
      [{ successes: 120, trials: 2000 }, { successes: 131, trials: 2000 }],
      [{ successes: 61, trials: 1000 }, { successes: 124, trials: 1000 }],
    ];
    for (const [armA, armB] of pairs) {
      expect(probabilityBest([armA, armB])[1], JSON.stringify([armA, armB])).toBeCloseTo(closedFormBBeatsA(armA, armB), 6);
    }
  });

  it('agrees with seeded Monte Carlo draws within 1 % for three and four variants, and two seeds agree with each other', () => {
    const cases: Arm[][] = [
      [{ successes: 12, trials: 100 }, { successes: 15, trials: 100 }, { successes: 9, trials: 80 }],
      [{ successes: 5, trials: 60 }, { successes: 8, trials: 60 }, { successes: 8, trials: 61 }, { successes: 2, trials: 40 }],
    ];
    for (const arms of cases) {
      const exact = probabilityBest(arms);
      const one = monteCarloBest(arms, 1, 100_000);
      const other = monteCarloBest(arms, 20261201, 100_000);
      expect(one).not.toEqual(other);
      arms.forEach((_, i) => {
        expect(Math.abs(one[i]! - other[i]!)).toBeLessThan(0.01);
        expect(Math.abs(exact[i]! - one[i]!)).toBeLessThan(0.01);
        expect(Math.abs(exact[i]! - other[i]!)).toBeLessThan(0.01);
      });
      expect(exact.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 9);
    }
  });

  it('reads Beta distribution functions right (the uniform, and a known value)', () => {
    expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    // I_x(a, b) = P(Binomial(a + b - 1, x) ≥ a): at 0.5, (6 + 4 + 1) / 16.
    expect(incompleteBeta(0.5, 2, 3)).toBeCloseTo(11 / 16, 12);
  });
});

const variant = (key: string, f: Partial<VariantFigures>): VariantFigures => ({
  key,
  sent: 1000,
  received: 1000,
  opens: 0,
  clicks: 0,
  humanOpens: 0,
  humanClicks: 0,
  ...f,
});

describe('the winner rule', () => {
  it('sends A when the whole test group made too few human actions of the criterion', () => {
    const small = [variant('A', { humanOpens: 40, humanClicks: 12 }), variant('B', { humanOpens: 50, humanClicks: 25 })];
    expect(chooseWinner(small, 'humanClickRate')).toEqual({ winner: 'A', reason: 'A: too few human clicks to tell (37 in all, 100 needed)' });
    expect(chooseWinner(small, 'humanOpenRate')).toEqual({ winner: 'A', reason: 'A: too few human opens to tell (90 in all, 100 needed)' });
  });

  it('sends the first of the variants tied on the best rate and says so', () => {
    const tied = [variant('A', { humanClicks: 60 }), variant('B', { humanClicks: 60 })];
    expect(chooseWinner(tied, 'humanClickRate')).toEqual({ winner: 'A', reason: 'A: tied with B at 6.0 % human click rate' });
    // Equal rates on different sizes tie too: 30/500 = 60/1000.
    const sameRate = [variant('A', { humanClicks: 30, received: 500 }), variant('B', { humanClicks: 60 }), variant('C', { humanClicks: 45 })];
    expect(chooseWinner(sameRate, 'humanClickRate')).toEqual({ winner: 'A', reason: 'A: tied with B at 6.0 % human click rate' });
    const aheadOfA = [variant('A', { humanClicks: 20 }), variant('B', { humanClicks: 70 }), variant('C', { humanClicks: 70 })];
    expect(chooseWinner(aheadOfA, 'humanClickRate')).toEqual({ winner: 'B', reason: 'B: tied with C at 7.0 % human click rate' });
  });

  it('names the leader with its rate, the runner-up and the probability that it is best', () => {
    const clear = [variant('A', { humanClicks: 61 }), variant('B', { humanClicks: 124 })];
    expect(chooseWinner(clear, 'humanClickRate')).toEqual({ winner: 'B', reason: 'B: 12.4 % human click rate against 6.1 % for A; over 99 % likely best' });
    const close = [variant('A', { humanClicks: 100 }), variant('B', { humanClicks: 110 }), variant('C', { humanClicks: 90 })];
    const best = probabilityBest(close.map((f) => ({ successes: f.humanClicks, trials: f.received })))[1]!;
    expect(chooseWinner(close, 'humanClickRate')).toEqual({
      winner: 'B',
      reason: `B: 11.0 % human click rate against 10.0 % for A; ${Math.round(best * 100)} % likely best`,
    });
    expect(best).toBeGreaterThan(0.6);
    expect(best).toBeLessThan(0.9);
  });

  it('takes click-to-open over human openers, a variant nobody opened counting as 0 without breaking the reason', () => {
    const figures = [variant('A', { opens: 300 }), variant('B', { humanOpens: 200, humanClicks: 150, opens: 200, clicks: 150 })];
    const choice = chooseWinner(figures, 'clickToOpen');
    expect(choice.winner).toBe('B');
    expect(choice.reason).toMatch(/^B: 75\.0 % human click-to-open rate against 0\.0 % for A; \d+ % likely best$/);
    expect(chooseWinner([variant('A', {}), variant('B', {})], 'clickToOpen')).toEqual({ winner: 'A', reason: 'A: too few human clicks to tell (0 in all, 100 needed)' });
  });

  it('never lets machine opens or clicks pick a winner', () => {
    // B has thousands more opens and clicks, all from privacy proxies and scanners: the human figures are level.
    const machines = [
      variant('A', { opens: 150, humanOpens: 120, clicks: 40, humanClicks: 55 }),
      variant('B', { opens: 900, humanOpens: 120, clicks: 600, humanClicks: 55 }),
    ];
    expect(chooseWinner(machines, 'humanOpenRate')).toEqual({ winner: 'A', reason: 'A: tied with B at 12.0 % human open rate' });
    expect(chooseWinner(machines, 'humanClickRate')).toEqual({ winner: 'A', reason: 'A: tied with B at 5.5 % human click rate' });
    // A leads on all opens (machines), B on human clicks: B wins.
    const proxied = [variant('A', { opens: 800, humanOpens: 100, humanClicks: 40 }), variant('B', { opens: 200, humanOpens: 150, humanClicks: 90 })];
    expect(chooseWinner(proxied, 'humanClickRate').winner).toBe('B');
    expect(chooseWinner(proxied, 'humanOpenRate').winner).toBe('B');
  });
});
