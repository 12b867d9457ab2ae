import normal from '@stdlib/stats-base-dists-normal';

const z = (p: number) => normal.quantile(p, 0, 1);

export interface SampleSizeInput {
  /** Control's rate, e.g. 0.80 accuracy. */
  baseline: number;
  /** Smallest absolute difference worth detecting, e.g. 0.02. */
  minimumDetectableEffect: number;
  alpha?: number;
  power?: number;
  /** treatment size / control size (e.g. 20/80 = 0.25). */
  ratio?: number;
}

/**
 * Sample sizes for a two-sided two-proportion z test (pooled variance under the null, unpooled under the
 * alternative): n_C = (z_{1−α/2}·sqrt(p̄q̄(1 + 1/k)) + z_{1−β}·sqrt(p1q1 + p2q2/k))² / Δ², n_T = k·n_C.
 */
export function sampleSizeProportions(input: SampleSizeInput): { control: number; treatment: number; total: number } {
  const alpha = input.alpha ?? 0.05;
  const power = input.power ?? 0.8;
  const k = input.ratio ?? 1;
  const p1 = input.baseline;
  const p2 = input.baseline + input.minimumDetectableEffect;
  if (p2 <= 0 || p2 >= 1) throw new Error(`baseline + effect = ${p2} is not a proportion`);
  const pbar = (p1 + k * p2) / (1 + k);
  const a = z(1 - alpha / 2) * Math.sqrt(pbar * (1 - pbar) * (1 + 1 / k));
  const b = z(power) * Math.sqrt(p1 * (1 - p1) + (p2 * (1 - p2)) / k);
  const control = Math.ceil((a + b) ** 2 / input.minimumDetectableEffect ** 2);
  const treatment = Math.ceil(control * k);
  return { control, treatment, total: control + treatment };
}

/** Per-group n for a two-sided comparison of means with common standard deviation sd, equal groups. */
export function sampleSizeMeans(sd: number, minimumDetectableEffect: number, alpha = 0.05, power = 0.8): number {
  return Math.ceil((2 * (z(1 - alpha / 2) + z(power)) ** 2 * sd * sd) / minimumDetectableEffect ** 2);
}

/** Days to reach the sample sizes at the endpoint's traffic, with the traffic split by the given weights. */
export function durationDays(needed: { control: number; treatment: number }, requestsPerDay: number, controlWeight: number, treatmentWeight: number): number {
  const total = controlWeight + treatmentWeight;
  const days = Math.max(needed.control / (requestsPerDay * (controlWeight / total)), needed.treatment / (requestsPerDay * (treatmentWeight / total)));
  return days;
}
