import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf';
import { msprtProportions, sampleSizeProportions, twoProportionTest } from '../../src/experiments/stats/index.js';
import { seededRandom } from '../../src/data/index.js';

/** The central 99.9% range of Binomial(n, p), exactly: rates outside it mean the test's error rate is not p. */
function binomialRange(n: number, p: number, level = 0.999): [number, number] {
  const tail = (1 - level) / 2;
  let lo = 0;
  while (binomialCdf(lo, n, p) < tail) lo++;
  let hi = n;
  while (hi > 0 && 1 - binomialCdf(hi - 1, n, p) < tail) hi--;
  return [lo, hi];
}

function successes(n: number, p: number, random: () => number): number {
  let s = 0;
  for (let i = 0; i < n; i++) if (random() < p) s++;
  return s;
}

describe('error rates by simulation (seeded)', () => {
  it('A/A: over 10,000 experiments the two-proportion test rejects at its nominal 5%', () => {
    const random = seededRandom(20261124);
    const experiments = 10_000;
    let rejections = 0;
    for (let e = 0; e < experiments; e++) {
      const c = successes(1000, 0.8, random);
      const t = successes(1000, 0.8, random);
      if (twoProportionTest({ n: 1000, successes: c }, { n: 1000, successes: t }).pValue < 0.05) rejections++;
    }
    const [lo, hi] = binomialRange(experiments, 0.05);
    assert.ok(rejections >= lo && rejections <= hi, `${rejections} false positives of ${experiments}; Binomial(10000, 0.05) 99.9% range is ${lo}–${hi}`);
  });

  it('A/A under continuous peeking: the sequential test stays within α, the naive z test does not', () => {
    const random = seededRandom(7);
    const experiments = 2_000;
    const looks = 40;
    const batch = 50;
    let sequential = 0;
    let naive = 0;
    for (let e = 0; e < experiments; e++) {
      let cs = 0;
      let ts = 0;
      let n = 0;
      let seqRejected = false;
      let naiveRejected = false;
      for (let k = 0; k < looks; k++) {
        cs += successes(batch, 0.8, random);
        ts += successes(batch, 0.8, random);
        n += batch;
        if (!seqRejected && msprtProportions({ n, successes: cs }, { n, successes: ts }).significant) seqRejected = true;
        if (!naiveRejected && twoProportionTest({ n, successes: cs }, { n, successes: ts }).pValue < 0.05) naiveRejected = true;
      }
      if (seqRejected) sequential++;
      if (naiveRejected) naive++;
    }
    const [, hi] = binomialRange(experiments, 0.05);
    assert.ok(sequential <= hi, `sequential test: ${sequential} of ${experiments} A/A experiments rejected after ${looks} looks (α = 0.05 allows up to ${hi})`);
    assert.ok(naive > 2 * 0.05 * experiments, `peeking with the fixed-sample test rejects ${naive} of ${experiments}: the inflation the sequential test prevents`);
  });

  it('power: a real 5-point gain is found at about the planned rate, by both tests', () => {
    const random = seededRandom(99);
    const plan = sampleSizeProportions({ baseline: 0.8, minimumDetectableEffect: 0.05, power: 0.8 });
    const experiments = 2_000;
    let fixed = 0;
    let sequential = 0;
    for (let e = 0; e < experiments; e++) {
      const c = successes(plan.control, 0.8, random);
      const t = successes(plan.treatment, 0.85, random);
      if (twoProportionTest({ n: plan.control, successes: c }, { n: plan.treatment, successes: t }).pValue < 0.05) fixed++;
      if (msprtProportions({ n: plan.control, successes: c }, { n: plan.treatment, successes: t }).significant) sequential++;
    }
    const [lo, hi] = binomialRange(experiments, 0.8);
    assert.ok(fixed >= lo && fixed <= hi, `fixed-sample power ${fixed / experiments} at n = ${plan.control} per arm, planned 0.8 (range ${lo}–${hi})`);
    assert.ok(sequential > 0.3 * experiments, `the sequential test pays for validity under peeking with some power: ${sequential / experiments}`);
  });
});
