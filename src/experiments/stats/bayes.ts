import beta from '@stdlib/stats-base-dists-beta';
import normal from '@stdlib/stats-base-dists-normal';
import type { Moments, Proportion } from './tests.js';

export interface BayesResult {
  /** P(treatment > control) under the posterior. */
  chanceToBeatControl: number;
  /** E[max(control − treatment, 0)]: what choosing the treatment costs if it is in fact worse. */
  expectedLoss: number;
}

const GRID = 4000;

/**
 * Beta-Binomial with a uniform Beta(1, 1) prior. Both quantities are one-dimensional integrals over the treatment's
 * posterior, computed with Simpson's rule on a fine grid:
 *   P(T > C) = ∫ f_T(y) F_C(y) dy,
 *   E[(C − T)+] = ∫ f_T(y) [ μ_C (1 − F_{a_C+1, b_C}(y)) − y (1 − F_{a_C, b_C}(y)) ] dy.
 */
export function bayesBinary(control: Proportion, treatment: Proportion): BayesResult {
  const ac = 1 + control.successes;
  const bc = 1 + control.n - control.successes;
  const at = 1 + treatment.successes;
  const bt = 1 + treatment.n - treatment.successes;
  const muC = ac / (ac + bc);
  let win = 0;
  let loss = 0;
  const h = 1 / GRID;
  for (let i = 0; i <= GRID; i++) {
    const y = i * h;
    const w = i === 0 || i === GRID ? 1 : i % 2 ? 4 : 2;
    const ft = beta.pdf(y, at, bt);
    if (!Number.isFinite(ft) || ft === 0) continue;
    win += w * ft * beta.cdf(y, ac, bc);
    loss += w * ft * (muC * (1 - beta.cdf(y, ac + 1, bc)) - y * (1 - beta.cdf(y, ac, bc)));
  }
  return { chanceToBeatControl: Math.min(1, Math.max(0, (win * h) / 3)), expectedLoss: Math.max(0, (loss * h) / 3) };
}

/** Normal approximation for continuous metrics (flat prior): T − C ~ N(diff, se²). `higherIsBetter` flips the sign for latency. */
export function bayesContinuous(control: Moments, treatment: Moments, higherIsBetter = true): BayesResult {
  const diff = (treatment.mean - control.mean) * (higherIsBetter ? 1 : -1);
  const se = Math.sqrt(control.variance / control.n + treatment.variance / treatment.n);
  if (se === 0) return { chanceToBeatControl: diff > 0 ? 1 : diff < 0 ? 0 : 0.5, expectedLoss: Math.max(0, -diff) };
  const zv = diff / se;
  // E[max(−D, 0)] for D ~ N(diff, se²) = se·φ(z) − diff·Φ(−z)
  const loss = se * normal.pdf(zv, 0, 1) - diff * normal.cdf(-zv, 0, 1);
  return { chanceToBeatControl: normal.cdf(zv, 0, 1), expectedLoss: Math.max(0, loss) };
}
