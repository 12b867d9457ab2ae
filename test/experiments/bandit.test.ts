import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import beta from '@stdlib/stats-base-dists-beta';
import { epsilonGreedyWeights, sampleBeta, thompsonWeights, ucb1Weights } from '../../src/experiments/bandit/thompson.js';
import { seededRandom } from '../../src/data/index.js';
import { createApp } from '../../src/app.js';
import { startTestServer, testRows } from '../helpers/server.js';
import { deploySeedEndpoint } from '../helpers/endpoint.js';

describe('bandits', () => {
  it('draws Beta posteriors with the right distribution (Kolmogorov–Smirnov against the exact CDF)', () => {
    const random = seededRandom(5);
    for (const [a, b] of [[2, 5], [30, 12], [0.7, 0.9], [400, 90]]) {
      const n = 20_000;
      const xs = Float64Array.from({ length: n }, () => sampleBeta(a, b, random)).sort();
      let d = 0;
      for (let i = 0; i < n; i++) {
        const f = beta.cdf(xs[i], a, b);
        d = Math.max(d, Math.abs((i + 1) / n - f), Math.abs(f - i / n));
      }
      // Asymptotic critical value of the KS statistic at α = 0.001 is 1.9495 / √n.
      assert.ok(d < 1.9495 / Math.sqrt(n), `Beta(${a}, ${b}): KS distance ${d.toFixed(5)}`);
    }
  });

  it('Thompson sampling gives the better arm most traffic and every arm at least its minimum share', () => {
    const random = seededRandom(11);
    const w = thompsonWeights([{ arm: 'A', successes: 800, trials: 1000 }, { arm: 'B', successes: 880, trials: 1000 }], random, 0.05);
    assert.ok(Math.abs(w[0] + w[1] - 1) < 1e-12);
    assert.ok(w[1] > 0.94 && w[0] >= 0.05 - 1e-12, `weights ${w}`);
    const even = thompsonWeights([{ arm: 'A', successes: 0, trials: 0 }, { arm: 'B', successes: 0, trials: 0 }], random, 0.05);
    assert.ok(Math.abs(even[0] - 0.5) < 0.03, 'no data: about even');
    const close = thompsonWeights([{ arm: 'A', successes: 40, trials: 50 }, { arm: 'B', successes: 41, trials: 50 }], random, 0.05);
    assert.ok(close[0] > 0.3 && close[1] > 0.3, 'uncertain: both keep traffic');
  });

  it('epsilon-greedy and UCB1 follow their definitions', () => {
    const arms = [{ arm: 'A', successes: 50, trials: 100 }, { arm: 'B', successes: 70, trials: 100 }, { arm: 'C', successes: 60, trials: 100 }];
    const eg = epsilonGreedyWeights(arms, 0.3);
    assert.deepEqual(eg.map((x) => Math.round(x * 1000) / 1000), [0.1, 0.8, 0.1]);
    const untried = ucb1Weights([...arms, { arm: 'D', successes: 0, trials: 0 }], 0);
    assert.deepEqual(untried, [0, 0, 0, 1], 'an untried arm is tried first');
    const u = ucb1Weights(arms, 0.05);
    assert.equal(u.indexOf(Math.max(...u)), 1);
    assert.ok(Math.min(...u) >= 0.05 - 1e-12);
  });

  it('re-weights a live endpoint from ground truth, logs it, and keeps its configuration in the store', async () => {
    const t = await startTestServer({ random: seededRandom(3) });
    try {
      await deploySeedEndpoint(t.sagemaker, 'bandit-ep', [50, 50]);
      const { rows } = testRows(t.data);
      const random = seededRandom(8);
      const items: { inferenceId: string; reward: number }[] = [];
      for (let i = 0; i < 600; i++) {
        const id = `b-${i}`;
        const res = await fetch(`${t.url}/endpoints/bandit-ep/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv', 'x-amzn-sagemaker-inference-id': id }, body: rows[i % rows.length] });
        const variant = res.headers.get('x-amzn-invoked-production-variant');
        await res.arrayBuffer();
        items.push({ inferenceId: id, reward: random() < (variant === 'VariantB' ? 0.7 : 0.4) ? 1 : 0 });
      }
      const fb = await fetch(`${t.url}/v1/endpoints/bandit-ep/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items }) });
      assert.equal(fb.status, 200, await fb.text());
      const put = await fetch(`${t.url}/v1/endpoints/bandit-ep/bandit`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ algorithm: 'thompson', minShare: 0.05, outcome: 'reward' }) });
      assert.equal(put.status, 200, await put.text());
      const bad = await fetch(`${t.url}/v1/endpoints/bandit-ep/bandit`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ algorithm: 'magic' }) });
      assert.equal(bad.status, 400);
      await t.app.bandits.tick();
      const d = await t.app.endpoints.describeEndpoint('bandit-ep');
      const [a, b] = d.ProductionVariants.map((v) => v.CurrentWeight);
      assert.ok(b > 90 && a >= 5, `weights after one tick: A ${a}, B ${b}`);
      const events = await t.app.events.list('bandit-ep');
      assert.ok(events.some((e) => e.kind === 'bandit_weights'));
      await t.app.close();
      const reopened = await createApp({ dataDir: t.dir, intervals: { rolloutMs: 0, banditMs: 0, alarmMs: 0 } });
      try {
        assert.deepEqual(reopened.bandits.config('bandit-ep'), { algorithm: 'thompson', minShare: 0.05, epsilon: 0.1, outcome: 'reward', enabled: true });
      } finally {
        await reopened.close();
      }
    } finally {
      await t.close();
    }
  });
});
