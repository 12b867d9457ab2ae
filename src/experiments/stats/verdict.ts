import type { SrmResult } from './tests.js';
import type { SequentialResult } from './sequential.js';

export type VerdictKind = 'sample_ratio_mismatch' | 'winner' | 'no_detectable_difference' | 'keep_testing';

export interface ChallengerEvidence {
  variant: string;
  metric: string;
  /** Sequential test of treatment − control, run at alpha / (number of challengers). */
  sequential: SequentialResult;
  higherIsBetter: boolean;
}

export interface Verdict {
  kind: VerdictKind;
  /** For 'winner': the variant that wins (a challenger, or the control). */
  winner?: string;
  metric?: string;
  reason: string;
}

/**
 * Turns the evidence into one decision. Sample ratio mismatch overrides everything; a winner needs the
 * always-valid (sequential) test, so the verdict can be read at any time; "no detectable difference" means
 * the confidence sequence excludes every effect as large as the minimum detectable effect (or the planned
 * sample size was reached without significance).
 */
export function decide(control: string, srm: SrmResult | undefined, evidence: readonly ChallengerEvidence[], minimumEffect: number, horizonReached = false): Verdict {
  if (srm?.mismatch) {
    return { kind: 'sample_ratio_mismatch', reason: `traffic split differs from the weights (chi-square ${srm.chi2.toFixed(2)}, p = ${srm.pValue.toExponential(2)} < ${srm.threshold}); the other results can't be trusted` };
  }
  for (const e of evidence) {
    if (!e.sequential.significant) continue;
    const better = (e.sequential.estimate > 0) === e.higherIsBetter;
    const winner = better ? e.variant : control;
    return {
      kind: 'winner',
      winner,
      metric: e.metric,
      reason: `${e.metric}: ${e.variant} − ${control} = ${fmt(e.sequential.estimate)} (always-valid ${(100 * (1 - e.sequential.alpha)).toFixed(1)}% CI ${fmt(e.sequential.ci[0])} … ${fmt(e.sequential.ci[1])}); ${winner} is better`,
    };
  }
  if (evidence.length && evidence.every((e) => e.sequential.ci[0] > -minimumEffect && e.sequential.ci[1] < minimumEffect)) {
    return { kind: 'no_detectable_difference', reason: `every challenger's confidence sequence lies within ±${minimumEffect} of the control` };
  }
  if (horizonReached) return { kind: 'no_detectable_difference', reason: 'the planned sample size was reached without a significant difference' };
  return { kind: 'keep_testing', reason: evidence.length ? 'no challenger is significantly different yet; the intervals still allow effects larger than the minimum detectable effect' : 'not enough ground truth yet: the control and each challenger need at least two requests with a known outcome' };
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toFixed(4) : String(v);
}
