/**
 * Simulated cumulative regret over 100,000 requests: the bandit policies splitserve runs (Thompson sampling with
 * a 5% minimum share, epsilon-greedy, UCB1; weights recomputed every 1,000 requests as the live router does)
 * against a fixed 50/50 split and the oracle that always picks the best arm. Seeded; three scenarios.
 */
import { epsilonGreedyWeights, thompsonWeights, ucb1Weights, type ArmState } from '../src/experiments/bandit/thompson.js';
import { QUICK, table } from './util.js';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

type Policy = (arms: ArmState[], random: () => number) => number[];

function simulate(rates: number[], policy: Policy, requests: number, seed: number): number {
  const random = mulberry32(seed);
  const arms: ArmState[] = rates.map((_, i) => ({ arm: `arm${i}`, successes: 0, trials: 0 }));
  const best = Math.max(...rates);
  let weights = rates.map(() => 1 / rates.length);
  let regret = 0;
  for (let i = 0; i < requests; i++) {
    if (i > 0 && i % 1000 === 0) {
      const w = policy(arms, random);
      const total = w.reduce((a, b) => a + b, 0);
      weights = w.map((x) => x / total);
    }
    let u = random();
    let k = 0;
    while (k < weights.length - 1 && u >= weights[k]) u -= weights[k++];
    arms[k].trials++;
    if (random() < rates[k]) arms[k].successes++;
    regret += best - rates[k];
  }
  return regret;
}

export async function run(): Promise<void> {
  const requests = QUICK ? 5_000 : 100_000;
  const seeds = QUICK ? [1] : [1, 2, 3, 4, 5];
  const scenarios = [
    { name: 'seed accuracies A 0.83 / B 0.85', rates: [0.83, 0.85] },
    { name: 'clear winner 0.80 / 0.90', rates: [0.8, 0.9] },
    { name: 'three arms 0.82 / 0.85 / 0.84', rates: [0.82, 0.85, 0.84] },
  ];
  const policies: [string, Policy][] = [
    ['fixed equal split', (arms) => arms.map(() => 1)],
    ['Thompson sampling (min share 5%)', (arms, random) => thompsonWeights(arms, random, 0.05)],
    ['epsilon-greedy (0.1)', (arms) => epsilonGreedyWeights(arms, 0.1)],
    ['UCB1 (min share 5%)', (arms) => ucb1Weights(arms, 0.05)],
  ];
  for (const sc of scenarios) {
    const rows = policies.map(([name, policy]) => {
      const r = seeds.map((s) => simulate(sc.rates, policy, requests, s));
      return { name, regret: r.reduce((a, b) => a + b, 0) / r.length };
    });
    const fixed = rows[0].regret;
    table(`${sc.name}: expected cumulative regret over ${requests} requests (mean of ${seeds.length} seeds; oracle = 0)`, ['policy', 'regret (lost successes)', 'vs fixed split'], rows.map((r) => [r.name, r.regret, r.regret / fixed]));
  }
}
