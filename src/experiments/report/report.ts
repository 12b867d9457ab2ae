import type { EndpointServiceImpl } from '../../endpoints/index.js';
import type { MetricsRecorder } from '../../metrics/index.js';
import type { PredictionLog } from '../feedback/index.js';
import {
  bayesBinary,
  bayesContinuous,
  bootstrapPercentileDifference,
  decide,
  holmAdjust,
  msprtMeans,
  msprtProportions,
  sampleRatioMismatch,
  sampleSizeProportions,
  twoProportionTest,
  welchTest,
  type BayesResult,
  type ChallengerEvidence,
  type EffectEstimate,
  type SequentialResult,
  type SrmPeriod,
  type SrmResult,
  type Verdict,
} from '../stats/index.js';

export interface Comparison {
  variant: string;
  control: string;
  n: [number, number];
  frequentist: EffectEstimate;
  /** Holm-adjusted p-value across challengers. */
  adjustedPValue: number;
  bayes: BayesResult;
  sequential: SequentialResult;
}

export interface MetricReport {
  metric: string;
  higherIsBetter: boolean;
  comparisons: Comparison[];
}

export interface ShadowReport {
  variant: string;
  pairs: number;
  agreement: number;
  meanAbsoluteScoreDifference: number;
  requests: number;
  errorRate: number;
  p50Us: number;
  p99Us: number;
  productionP99Us: number;
}

export interface ExperimentReport {
  endpoint: string;
  generatedAt: number;
  control: string;
  traffic: { variant: string; weight: number; requests: number; share: number }[];
  srm: SrmResult;
  metrics: MetricReport[];
  latency: { variant: string; requests: number; p50Us: number; p99Us: number; meanUs: number; errorRate: number }[];
  sampleSize?: { perVariant: { control: number; treatment: number }; minimumDetectableEffect: number; reached: boolean };
  /** p50 and p99 model latency of each challenger against the control, with percentile-bootstrap intervals. */
  latencyPercentiles: LatencyPercentileComparison[];
  shadows: ShadowReport[];
  verdict: Verdict;
}

export interface LatencyPercentileComparison {
  variant: string;
  control: string;
  percentile: number;
  controlUs: number;
  treatmentUs: number;
  differenceUs: number;
  ci: [number, number];
  /** Values resampled per group and replicate (the requests, capped at HISTOGRAM_SAMPLE). */
  resampleSize: [number, number];
}

/** Most values drawn from a histogram for the bootstrap; above it the interval is conservative (wider). */
const HISTOGRAM_SAMPLE = 2000;

/**
 * The latency histogram as a sample for the bootstrap: its quantiles on an even grid, one value per request up to
 * HISTOGRAM_SAMPLE. Below the cap these are exactly the recorded values (HDR's percentile is nearest-rank, so the
 * grid point (i + 0.5) / n lands on the (i + 1)-th smallest), at the histogram's precision. The bootstrap's
 * percentiles interpolate between neighbours, so on few requests its p99 sits below the nearest-rank p99 that the
 * metrics and CloudWatch show.
 */
function histogramSample(h: { totalCount: number; getValueAtPercentile(p: number): number }): number[] {
  const n = Math.min(h.totalCount, HISTOGRAM_SAMPLE);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = h.getValueAtPercentile((100 * (i + 0.5)) / n);
  return out;
}

export interface ReportOptions {
  control?: string;
  alpha?: number;
  minimumDetectableEffect?: number;
}

/** Builds the experiment report for one endpoint: SRM first, then each metric against the control, then a verdict. */
export async function buildReport(endpoint: string, deps: { endpoints: EndpointServiceImpl; feedback: PredictionLog; recorder: MetricsRecorder; now: () => number }, options: ReportOptions = {}): Promise<ExperimentReport> {
  const record = await deps.endpoints.describeEndpoint(endpoint);
  const alpha = options.alpha ?? 0.05;
  const mde = options.minimumDetectableEffect ?? 0.02;
  const variants = record.ProductionVariants.map((v) => v.VariantName);
  const control = options.control ?? variants[0];
  const now = deps.now();

  // Sample ratio: each weight setting is a period; its requests are expected to split by its weights.
  const history = await deps.endpoints.weightHistory(endpoint);
  const periods: SrmPeriod[] = [];
  for (let i = 0; i < history.length; i++) {
    const from = history[i].at;
    const to = i + 1 < history.length ? history[i + 1].at : now + 1;
    const counts = await deps.feedback.countsBetween(endpoint, from, to);
    if (Object.values(counts).some((c) => c > 0)) periods.push({ weights: history[i].weights, counts });
  }
  const srm = sampleRatioMismatch(periods);
  const totalRequests = srm.observed.reduce((a, b) => a + b, 0);
  const traffic = record.ProductionVariants.map((v) => {
    const idx = srm.variants.indexOf(v.VariantName);
    const requests = idx >= 0 ? srm.observed[idx] : 0;
    return { variant: v.VariantName, weight: v.CurrentWeight, requests, share: totalRequests ? requests / totalRequests : 0 };
  });

  // Accuracy from ground truth.
  const outcomes = await deps.feedback.binaryOutcomes(endpoint, 'correct');
  const challengers = variants.filter((v) => v !== control);
  const metrics: MetricReport[] = [];
  const evidence: ChallengerEvidence[] = [];
  const c = outcomes.get(control);
  if (c && c.n > 1) {
    const comparisons: Comparison[] = [];
    const seqAlpha = alpha / Math.max(1, challengers.length); // Bonferroni split for the always-valid test
    for (const v of challengers) {
      const t = outcomes.get(v);
      if (!t || t.n < 2) continue;
      comparisons.push({ variant: v, control, n: [c.n, t.n], frequentist: twoProportionTest(c, t, alpha), adjustedPValue: 1, bayes: bayesBinary(c, t), sequential: msprtProportions(c, t, seqAlpha) });
    }
    const adjusted = holmAdjust(comparisons.map((x) => x.frequentist.pValue));
    comparisons.forEach((x, i) => (x.adjustedPValue = adjusted[i]));
    metrics.push({ metric: 'accuracy', higherIsBetter: true, comparisons });
    for (const x of comparisons) evidence.push({ variant: x.variant, metric: 'accuracy', sequential: x.sequential, higherIsBetter: true });
  }

  const latencyPercentiles: LatencyPercentileComparison[] = [];
  // Latency from the live histograms (model + overhead, microseconds).
  const slots = deps.recorder.slotsOf(endpoint);
  const latency = slots
    .filter((s) => !s.shadow)
    .map((s) => {
      const h = s.lifetimeModel;
      return {
        variant: s.variant,
        requests: s.totalInvocations,
        p50Us: h.totalCount ? h.getValueAtPercentile(50) : 0,
        p99Us: h.totalCount ? h.getValueAtPercentile(99) : 0,
        meanUs: h.totalCount ? h.mean : 0,
        errorRate: s.totalInvocations ? (s.totalErr4xx + s.totalErr5xx) / s.totalInvocations : 0,
      };
    });
  const controlSlot = slots.find((s) => s.variant === control && !s.shadow);
  if (controlSlot && controlSlot.lifetimeModel.totalCount > 1) {
    const moments = (h: typeof controlSlot.lifetimeModel) => ({ n: h.totalCount, mean: h.mean, variance: h.stdDeviation ** 2 });
    const cm = moments(controlSlot.lifetimeModel);
    const cs = histogramSample(controlSlot.lifetimeModel);
    const comparisons: Comparison[] = [];
    for (const s of slots) {
      if (s.shadow || s.variant === control || s.lifetimeModel.totalCount < 2) continue;
      const tm = moments(s.lifetimeModel);
      comparisons.push({ variant: s.variant, control, n: [cm.n, tm.n], frequentist: welchTest(cm, tm, alpha), adjustedPValue: 1, bayes: bayesContinuous(cm, tm, false), sequential: msprtMeans(cm, tm, alpha / Math.max(1, challengers.length)) });
      const ts = histogramSample(s.lifetimeModel);
      for (const p of [50, 99]) {
        const b = bootstrapPercentileDifference(cs, ts, p, { replicates: 400, alpha, seed: p });
        latencyPercentiles.push({ variant: s.variant, control, percentile: p, controlUs: b.control, treatmentUs: b.treatment, differenceUs: b.difference, ci: b.ci, resampleSize: [cs.length, ts.length] });
      }
    }
    const adjusted = holmAdjust(comparisons.map((x) => x.frequentist.pValue));
    comparisons.forEach((x, i) => (x.adjustedPValue = adjusted[i]));
    metrics.push({ metric: 'model_latency_us', higherIsBetter: false, comparisons });
  }

  let sampleSize: ExperimentReport['sampleSize'];
  if (c && c.n > 0) {
    const baseline = c.successes / c.n;
    if (baseline + mde < 1 && baseline > 0) {
      const cw = record.ProductionVariants.find((v) => v.VariantName === control)!.CurrentWeight;
      const tw = Math.max(...record.ProductionVariants.filter((v) => v.VariantName !== control).map((v) => v.CurrentWeight), 0);
      const perVariant = sampleSizeProportions({ baseline, minimumDetectableEffect: mde, alpha, ratio: cw > 0 && tw > 0 ? tw / cw : 1 });
      const reached = challengers.every((v) => (outcomes.get(v)?.n ?? 0) >= perVariant.treatment) && c.n >= perVariant.control;
      sampleSize = { perVariant, minimumDetectableEffect: mde, reached };
    }
  }

  const shadows: ShadowReport[] = [];
  for (const s of slots.filter((x) => x.shadow)) {
    const pairs = await deps.feedback.shadowPairs(endpoint, s.variant);
    const agree = pairs.filter((p) => (p.production >= 0.5) === (p.shadow >= 0.5)).length;
    const mad = pairs.length ? pairs.reduce((a, p) => a + Math.abs(p.production - p.shadow), 0) / pairs.length : 0;
    const h = s.lifetimeModel;
    shadows.push({
      variant: s.variant,
      pairs: pairs.length,
      agreement: pairs.length ? agree / pairs.length : 0,
      meanAbsoluteScoreDifference: mad,
      requests: s.totalInvocations,
      errorRate: s.totalInvocations ? (s.totalErr4xx + s.totalErr5xx) / s.totalInvocations : 0,
      p50Us: h.totalCount ? h.getValueAtPercentile(50) : 0,
      p99Us: h.totalCount ? h.getValueAtPercentile(99) : 0,
      productionP99Us: controlSlot?.lifetimeModel.totalCount ? controlSlot.lifetimeModel.getValueAtPercentile(99) : 0,
    });
  }

  return {
    endpoint,
    generatedAt: now,
    control,
    traffic,
    srm,
    metrics,
    latency,
    sampleSize,
    latencyPercentiles,
    shadows,
    verdict: decide(control, periods.length ? srm : undefined, evidence, mde, sampleSize?.reached ?? false),
  };
}
