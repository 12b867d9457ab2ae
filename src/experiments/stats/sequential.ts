import type { Moments, Proportion } from './tests.js';

/**
 * The mixture sequential probability ratio test (mSPRT) of Johari, Pekelis and Walsh (2017) for a difference of
 * means (proportions included), with a normal mixing distribution N(0, τ²) over the effect. With
 * V = Var(θ̂) estimated from the data so far, the mixture likelihood ratio against θ = θ0 is
 *   Λ = sqrt(V / (V + τ²)) · exp( τ² (θ̂ − θ0)² / (2 V (V + τ²)) ).
 * Rejecting when Λ ≥ 1/α keeps the type I error at α however often the test is looked at. The always-valid
 * p-value is min(1, 1/Λ) (callers keep the running minimum), and the always-valid confidence sequence is
 * the set of θ0 with Λ(θ0) < 1/α.
 */
export interface SequentialResult {
  estimate: number;
  variance: number;
  likelihoodRatio: number;
  /** Always-valid p-value at this look (take the running minimum across looks). */
  pValue: number;
  /** Always-valid (1 − α) confidence sequence for treatment − control. */
  ci: [number, number];
  significant: boolean;
  alpha: number;
  tau: number;
}

export function msprt(estimate: number, variance: number, alpha = 0.05, tau = 0.05): SequentialResult {
  const tau2 = tau * tau;
  if (!(variance > 0)) {
    return { estimate, variance, likelihoodRatio: 1, pValue: 1, ci: [-Infinity, Infinity], significant: false, alpha, tau };
  }
  const logLr = 0.5 * Math.log(variance / (variance + tau2)) + (tau2 * estimate * estimate) / (2 * variance * (variance + tau2));
  const lr = Math.exp(logLr);
  const radius = Math.sqrt(((2 * variance * (variance + tau2)) / tau2) * (Math.log(1 / alpha) + 0.5 * Math.log((variance + tau2) / variance)));
  return {
    estimate,
    variance,
    likelihoodRatio: lr,
    pValue: Math.min(1, 1 / lr),
    ci: [estimate - radius, estimate + radius],
    significant: logLr >= Math.log(1 / alpha),
    alpha,
    tau,
  };
}

export function msprtProportions(control: Proportion, treatment: Proportion, alpha = 0.05, tau = 0.05): SequentialResult {
  const pc = control.successes / control.n;
  const pt = treatment.successes / treatment.n;
  const v = (pc * (1 - pc)) / control.n + (pt * (1 - pt)) / treatment.n;
  return msprt(pt - pc, v, alpha, tau);
}

export function msprtMeans(control: Moments, treatment: Moments, alpha = 0.05, tau?: number): SequentialResult {
  const v = control.variance / control.n + treatment.variance / treatment.n;
  // Without a scale given, mix over effects of about a quarter of the control's standard deviation.
  return msprt(treatment.mean - control.mean, v, alpha, tau ?? Math.max(1e-12, 0.25 * Math.sqrt(control.variance)));
}
