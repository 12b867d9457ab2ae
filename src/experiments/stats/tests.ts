import gammainc from '@stdlib/math-base-special-gammainc';
import normal from '@stdlib/stats-base-dists-normal';
import studentT from '@stdlib/stats-base-dists-t';

export interface Proportion {
  n: number;
  successes: number;
}

export interface Moments {
  n: number;
  mean: number;
  /** Sample variance (n − 1 denominator). */
  variance: number;
}

export interface ChiSquareResult {
  chi2: number;
  df: number;
  pValue: number;
}

/** Pearson's chi-square goodness of fit of observed counts against expected counts (cells with expected 0 must be empty). */
export function chiSquareGoodnessOfFit(observed: readonly number[], expected: readonly number[]): ChiSquareResult {
  if (observed.length !== expected.length) throw new Error('observed and expected differ in length');
  let chi2 = 0;
  let cells = 0;
  for (let i = 0; i < observed.length; i++) {
    if (expected[i] === 0) {
      if (observed[i] > 0) return { chi2: Infinity, df: Math.max(1, observed.length - 1), pValue: 0 };
      continue;
    }
    chi2 += (observed[i] - expected[i]) ** 2 / expected[i];
    cells++;
  }
  const df = cells - 1;
  if (df < 1) return { chi2: 0, df: 0, pValue: 1 };
  // The upper regularized incomplete gamma is the chi-square survival function, accurate far into the tail (1 − cdf is not).
  return { chi2, df, pValue: gammainc(chi2 / 2, df / 2, true, true) };
}

export interface SrmPeriod {
  /** Weights in force during the period, by variant. */
  weights: Record<string, number>;
  /** Requests observed per variant during the period. */
  counts: Record<string, number>;
}

export interface SrmResult extends ChiSquareResult {
  variants: string[];
  observed: number[];
  expected: number[];
  /** p < threshold: the split is not what the weights say, so the other results can't be trusted. */
  mismatch: boolean;
  threshold: number;
}

/**
 * Sample ratio mismatch across weight changes: each period's requests are expected to split by that period's
 * weights; the expected counts add up over periods, then one chi-square test compares them to what was observed.
 */
export function sampleRatioMismatch(periods: readonly SrmPeriod[], threshold = 0.001): SrmResult {
  const variants = [...new Set(periods.flatMap((p) => [...Object.keys(p.weights), ...Object.keys(p.counts)]))].sort();
  const observed = variants.map(() => 0);
  const expected = variants.map(() => 0);
  for (const p of periods) {
    const total = variants.reduce((s, v) => s + (p.counts[v] ?? 0), 0);
    const wsum = variants.reduce((s, v) => s + (p.weights[v] ?? 0), 0);
    variants.forEach((v, i) => {
      observed[i] += p.counts[v] ?? 0;
      expected[i] += wsum > 0 ? (total * (p.weights[v] ?? 0)) / wsum : 0;
    });
  }
  const test = chiSquareGoodnessOfFit(observed, expected);
  return { ...test, variants, observed, expected, mismatch: test.pValue < threshold, threshold };
}

export interface EffectEstimate {
  control: number;
  treatment: number;
  /** treatment − control */
  difference: number;
  differenceCi: [number, number];
  /** treatment / control − 1 */
  relative: number;
  relativeCi: [number, number];
  statistic: number;
  pValue: number;
  df?: number;
}

const z = (p: number) => normal.quantile(p, 0, 1);

/**
 * Two-proportion z test (pooled standard error for the test, unpooled for the interval of the difference);
 * the relative effect's interval comes from the delta method on log(pT / pC).
 */
export function twoProportionTest(control: Proportion, treatment: Proportion, alpha = 0.05): EffectEstimate {
  const pc = control.successes / control.n;
  const pt = treatment.successes / treatment.n;
  const pooled = (control.successes + treatment.successes) / (control.n + treatment.n);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / control.n + 1 / treatment.n));
  const se = Math.sqrt((pc * (1 - pc)) / control.n + (pt * (1 - pt)) / treatment.n);
  const diff = pt - pc;
  const stat = sePooled > 0 ? diff / sePooled : 0;
  const q = z(1 - alpha / 2);
  const seLog = Math.sqrt((1 - pt) / (pt * treatment.n) + (1 - pc) / (pc * control.n));
  const logRatio = Math.log(pt / pc);
  return {
    control: pc,
    treatment: pt,
    difference: diff,
    differenceCi: [diff - q * se, diff + q * se],
    relative: pt / pc - 1,
    relativeCi: [Math.exp(logRatio - q * seLog) - 1, Math.exp(logRatio + q * seLog) - 1],
    statistic: stat,
    pValue: sePooled > 0 ? 2 * normal.cdf(-Math.abs(stat), 0, 1) : 1,
  };
}

/** Welch's t test from summary statistics, Welch–Satterthwaite degrees of freedom; relative CI by the delta method. */
export function welchTest(control: Moments, treatment: Moments, alpha = 0.05): EffectEstimate {
  const vc = control.variance / control.n;
  const vt = treatment.variance / treatment.n;
  const se = Math.sqrt(vc + vt);
  const diff = treatment.mean - control.mean;
  const df = (vc + vt) ** 2 / (vc ** 2 / (control.n - 1) + vt ** 2 / (treatment.n - 1));
  const stat = se > 0 ? diff / se : 0;
  const q = studentT.quantile(1 - alpha / 2, df);
  const rel = treatment.mean / control.mean - 1;
  const seRel = Math.sqrt(vt / control.mean ** 2 + (treatment.mean ** 2 * vc) / control.mean ** 4);
  return {
    control: control.mean,
    treatment: treatment.mean,
    difference: diff,
    differenceCi: [diff - q * se, diff + q * se],
    relative: rel,
    relativeCi: [rel - q * seRel, rel + q * seRel],
    statistic: stat,
    pValue: se > 0 ? 2 * studentT.cdf(-Math.abs(stat), df) : 1,
    df,
  };
}

/** Holm–Bonferroni adjusted p-values (same order as given). */
export function holmAdjust(pValues: readonly number[]): number[] {
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const m = pValues.length;
  const out = new Array<number>(m);
  let running = 0;
  order.forEach(([p, i], k) => {
    running = Math.max(running, Math.min(1, (m - k) * p));
    out[i] = running;
  });
  return out;
}
