import { seededRandom } from '../../data/index.js';

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

/**
 * Percentile bootstrap interval for the difference in a percentile (e.g. p99 latency) between two samples:
 * resample each group with replacement, take the percentile difference, repeat, read the interval off the replicates.
 */
export function bootstrapPercentileDifference(control: readonly number[], treatment: readonly number[], p: number, options: { replicates?: number; alpha?: number; seed?: number } = {}) {
  const replicates = options.replicates ?? 1000;
  const alpha = options.alpha ?? 0.05;
  const random = seededRandom(options.seed ?? 1);
  const c = new Float64Array(control.length);
  const t = new Float64Array(treatment.length);
  const diffs = new Float64Array(replicates);
  for (let r = 0; r < replicates; r++) {
    for (let i = 0; i < c.length; i++) c[i] = control[Math.floor(random() * control.length)];
    for (let i = 0; i < t.length; i++) t[i] = treatment[Math.floor(random() * treatment.length)];
    c.sort();
    t.sort();
    diffs[r] = percentile(t, p) - percentile(c, p);
  }
  diffs.sort();
  const sc = Float64Array.from(control).sort();
  const st = Float64Array.from(treatment).sort();
  return { control: percentile(sc, p), treatment: percentile(st, p), difference: percentile(st, p) - percentile(sc, p), ci: [percentile(diffs, (alpha / 2) * 100), percentile(diffs, (1 - alpha / 2) * 100)] as [number, number] };
}
