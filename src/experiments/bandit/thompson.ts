/** Successes and trials per arm. */
export interface ArmState {
  arm: string;
  successes: number;
  trials: number;
}

/** Standard normal by Box–Muller. */
function gaussian(random: () => number): number {
  let u = 0;
  while (u === 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, 1) by Marsaglia–Tsang (shape < 1 boosted). */
function gamma(shape: number, random: () => number): number {
  if (shape < 1) return gamma(shape + 1, random) * Math.pow(random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = gaussian(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

export function sampleBeta(a: number, b: number, random: () => number): number {
  const x = gamma(a, random);
  const y = gamma(b, random);
  return x / (x + y);
}

/** Thompson sampling for one request: draw from each arm's Beta(1 + s, 1 + f) posterior, pick the largest. */
export function chooseArm(arms: readonly ArmState[], random: () => number): number {
  let best = 0;
  let bestDraw = -1;
  arms.forEach((a, i) => {
    const d = sampleBeta(1 + a.successes, 1 + a.trials - a.successes, random);
    if (d > bestDraw) {
      bestDraw = d;
      best = i;
    }
  });
  return best;
}

/** Applies a minimum share per arm, then renormalizes (shares sum to 1). */
export function withMinimumShare(shares: readonly number[], minShare: number): number[] {
  const k = shares.length;
  const floor = Math.min(minShare, 1 / k);
  const free = 1 - floor * k;
  const total = shares.reduce((a, b) => a + b, 0) || 1;
  return shares.map((s) => floor + free * (s / total));
}

/**
 * Thompson sampling as probability matching: each arm's traffic share is the posterior probability that it is
 * the best arm, estimated from `draws` joint posterior draws (seeded), with a minimum share per arm.
 */
export function thompsonWeights(arms: readonly ArmState[], random: () => number, minShare = 0.05, draws = 4000): number[] {
  const wins = new Array<number>(arms.length).fill(0);
  for (let d = 0; d < draws; d++) wins[chooseArm(arms, random)]++;
  return withMinimumShare(wins.map((w) => w / draws), minShare);
}

/** Epsilon-greedy: the best observed mean gets 1 − ε (plus its share of ε), the others share ε. */
export function epsilonGreedyWeights(arms: readonly ArmState[], epsilon = 0.1, minShare = 0): number[] {
  const means = arms.map((a) => (a.trials ? a.successes / a.trials : 0));
  const best = means.indexOf(Math.max(...means));
  const shares = arms.map((_, i) => epsilon / arms.length + (i === best ? 1 - epsilon : 0));
  return withMinimumShare(shares, minShare);
}

/** UCB1: all traffic to the arm with the highest upper confidence bound (untried arms first), softened by the minimum share. */
export function ucb1Weights(arms: readonly ArmState[], minShare = 0.05): number[] {
  const total = arms.reduce((s, a) => s + a.trials, 0);
  const untried = arms.findIndex((a) => a.trials === 0);
  const scores = arms.map((a) => (a.trials ? a.successes / a.trials + Math.sqrt((2 * Math.log(Math.max(1, total))) / a.trials) : Infinity));
  const best = untried >= 0 ? untried : scores.indexOf(Math.max(...scores));
  return withMinimumShare(arms.map((_, i) => (i === best ? 1 : 0)), minShare);
}
