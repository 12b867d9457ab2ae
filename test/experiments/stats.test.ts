import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  bayesBinary,
  bayesContinuous,
  bootstrapPercentileDifference,
  chiSquareGoodnessOfFit,
  decide,
  durationDays,
  holmAdjust,
  msprt,
  msprtProportions,
  sampleRatioMismatch,
  sampleSizeProportions,
  twoProportionTest,
  welchTest,
} from '../../src/experiments/stats/index.js';

/** Made by scripts/reference-stats.py with SciPy and statsmodels (Debian packages); see the generator field. */
const REF = JSON.parse(readFileSync('test/fixtures/stats-reference.json', 'utf8'));

const close = (actual: number, expected: number, rel: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= rel * Math.max(Math.abs(expected), 1e-300), `${what}: ${actual} vs reference ${expected} (relative tolerance ${rel})`);

describe('statistics against SciPy / statsmodels reference values', () => {
  it('chi-square goodness of fit, including the seed’s 86/14 split on 80/20 weights', () => {
    for (const c of REF.chisquare) {
      const r = chiSquareGoodnessOfFit(c.observed, c.expected);
      close(r.chi2, c.chi2, 1e-12, `chi2 ${c.observed}`);
      close(r.pValue, c.p, 1e-9, `p ${c.observed}`);
    }
    const seed = sampleRatioMismatch([{ weights: { VariantA: 80, VariantB: 20 }, counts: { VariantA: 86, VariantB: 14 } }]);
    close(seed.pValue, 0.13361440253771584, 1e-9, 'seed SRM');
    assert.equal(seed.mismatch, false, 'p = 0.134 is no mismatch at the 0.001 threshold');
    const bad = sampleRatioMismatch([{ weights: { A: 80, B: 20 }, counts: { A: 7000, B: 3000 } }]);
    assert.equal(bad.mismatch, true);
  });

  it('sample ratio across weight changes adds up each period’s expected counts', () => {
    // 1000 requests at 80/20 then 1000 at 50/50: expected 1300/700 overall.
    const r = sampleRatioMismatch([
      { weights: { A: 80, B: 20 }, counts: { A: 805, B: 195 } },
      { weights: { A: 50, B: 50 }, counts: { A: 490, B: 510 } },
    ]);
    assert.deepEqual(r.expected, [1300, 700]);
    close(r.pValue, chiSquareGoodnessOfFit([1295, 705], [1300, 700]).pValue, 1e-12, 'pooled');
    assert.equal(r.mismatch, false);
  });

  it('two-proportion z test: statistic, p-value and the interval of the difference', () => {
    for (const c of REF.two_proportion) {
      const r = twoProportionTest(c.control, c.treatment);
      close(r.statistic, c.z, 1e-9, 'z');
      close(r.pValue, c.p, 1e-7, 'p');
      close(r.differenceCi[0], c.ci[0], 1e-9, 'ci low');
      close(r.differenceCi[1], c.ci[1], 1e-9, 'ci high');
    }
  });

  it('Welch t test: statistic, degrees of freedom, p-value and interval', () => {
    for (const c of REF.welch) {
      const r = welchTest(c.control, c.treatment);
      close(r.statistic, c.t, 1e-9, 't');
      close(r.df!, c.df, 1e-9, 'df');
      close(r.pValue, c.p, 1e-7, 'p');
      close(r.differenceCi[0], c.ci[0], 1e-8, 'ci low');
      close(r.differenceCi[1], c.ci[1], 1e-8, 'ci high');
    }
  });

  it('Holm adjustment', () => {
    for (const c of REF.holm) holmAdjust(c.p).forEach((p, i) => close(p, c.adjusted[i], 1e-12, `holm ${c.p}`));
  });

  it('Beta-Binomial chance to beat control and expected loss (numerical integration with scipy.integrate.quad)', () => {
    for (const c of REF.bayes_binary) {
      const r = bayesBinary(c.control, c.treatment);
      assert.ok(Math.abs(r.chanceToBeatControl - c.chance_to_beat) < 1e-5, `chance ${r.chanceToBeatControl} vs ${c.chance_to_beat}`);
      assert.ok(Math.abs(r.expectedLoss - c.expected_loss) < 1e-6, `loss ${r.expectedLoss} vs ${c.expected_loss}`);
    }
    const same = bayesContinuous({ n: 100, mean: 5, variance: 4 }, { n: 100, mean: 5, variance: 4 });
    close(same.chanceToBeatControl, 0.5, 1e-12, 'equal means');
    const faster = bayesContinuous({ n: 100, mean: 200, variance: 400 }, { n: 100, mean: 190, variance: 400 }, false);
    assert.ok(faster.chanceToBeatControl > 0.99, 'lower latency wins when lower is better');
  });

  it('sample size for two proportions (Fleiss’ formula), close to statsmodels’ Cohen-h power solution', () => {
    for (const c of REF.sample_size) {
      const r = sampleSizeProportions({ baseline: c.baseline, minimumDetectableEffect: c.mde, alpha: c.alpha, power: c.power, ratio: c.ratio });
      assert.equal(r.control, c.control);
      assert.equal(r.treatment, Math.ceil(c.control * c.ratio));
      close(r.control, c.statsmodels_cohen_h_control, 0.02, 'vs statsmodels NormalIndPower');
    }
    assert.throws(() => sampleSizeProportions({ baseline: 0.99, minimumDetectableEffect: 0.02 }), /not a proportion/);
    // 80/20 split, 10,000 requests a day: the treatment arm is the bottleneck.
    const days = durationDays({ control: 5274, treatment: 5274 }, 10_000, 80, 20);
    close(days, 5274 / 2000, 1e-12, 'duration');
  });

  it('mSPRT: likelihood ratio, always-valid p and confidence sequence agree with the closed forms', () => {
    const v = 0.0004;
    const tau = 0.05;
    const est = 0.05;
    const r = msprt(est, v, 0.05, tau);
    const lr = Math.sqrt(v / (v + tau * tau)) * Math.exp((tau * tau * est * est) / (2 * v * (v + tau * tau)));
    close(r.likelihoodRatio, lr, 1e-12, 'LR');
    close(r.pValue, Math.min(1, 1 / lr), 1e-12, 'p');
    // The sequence's edges are exactly where the LR against θ0 equals 1/α.
    for (const edge of r.ci) close(msprt(est - edge, v, 0.05, tau).likelihoodRatio, 20, 1e-9, 'LR at the edge');
    assert.equal(r.significant, r.ci[0] > 0 || r.ci[1] < 0);
    // Always-valid intervals are wider than the fixed-sample one at the same data.
    const fixed = twoProportionTest({ n: 1000, successes: 830 }, { n: 1000, successes: 850 });
    const seq = msprtProportions({ n: 1000, successes: 830 }, { n: 1000, successes: 850 });
    assert.ok(seq.ci[1] - seq.ci[0] > fixed.differenceCi[1] - fixed.differenceCi[0]);
    assert.deepEqual(msprt(0, 0).ci, [-Infinity, Infinity], 'no variance, no conclusion');
  });

  it('bootstrap percentile difference covers the true difference and is reproducible by seed', () => {
    const gen = (shift: number, seed: number) => {
      let a = seed;
      return Array.from({ length: 2000 }, () => {
        a = (a * 1103515245 + 12345) % 2147483648;
        return shift + (-Math.log(1 - a / 2147483648) * 100);
      });
    };
    const r1 = bootstrapPercentileDifference(gen(0, 1), gen(20, 2), 99, { seed: 3, replicates: 400 });
    const r2 = bootstrapPercentileDifference(gen(0, 1), gen(20, 2), 99, { seed: 3, replicates: 400 });
    assert.deepEqual(r1, r2);
    assert.ok(r1.ci[0] < r1.difference && r1.difference < r1.ci[1]);
    assert.ok(r1.ci[0] < 20 + 150 && r1.ci[1] > 20 - 150, 'the interval is in the right region');
  });

  it('verdicts: sample ratio mismatch overrides everything; significant wins; tight intervals mean no difference', () => {
    const srm = sampleRatioMismatch([{ weights: { A: 80, B: 20 }, counts: { A: 7000, B: 3000 } }]);
    assert.equal(decide('A', srm, [], 0.02).kind, 'sample_ratio_mismatch');
    const ok = sampleRatioMismatch([{ weights: { A: 80, B: 20 }, counts: { A: 8000, B: 2000 } }]);
    const win = msprtProportions({ n: 8000, successes: 6400 }, { n: 2000, successes: 1800 });
    assert.ok(win.significant);
    const verdictWin = decide('A', ok, [{ variant: 'B', metric: 'accuracy', higherIsBetter: true, sequential: win }], 0.02);
    assert.equal(verdictWin.kind, 'winner');
    assert.equal(verdictWin.winner, 'B');
    const worse = decide('A', ok, [{ variant: 'B', metric: 'accuracy', higherIsBetter: true, sequential: msprtProportions({ n: 8000, successes: 7200 }, { n: 2000, successes: 1600 }) }], 0.02);
    assert.equal(worse.winner, 'A', 'a significantly worse challenger makes the control the winner');
    const tight = msprtProportions({ n: 400_000, successes: 320_000 }, { n: 400_000, successes: 320_100 });
    assert.equal(decide('A', ok, [{ variant: 'B', metric: 'accuracy', higherIsBetter: true, sequential: tight }], 0.02).kind, 'no_detectable_difference');
    const early = msprtProportions({ n: 50, successes: 40 }, { n: 12, successes: 10 });
    assert.equal(decide('A', ok, [{ variant: 'B', metric: 'accuracy', higherIsBetter: true, sequential: early }], 0.02).kind, 'keep_testing');
  });
});
