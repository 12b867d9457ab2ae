import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CreateModelCommand } from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { startTestServer, testRows, type TestServer } from '../helpers/server.js';
import { deploySeedEndpoint, XGBOOST_IMAGE } from '../helpers/endpoint.js';
import { containerScript } from '../helpers/container.js';
import { binomialTwoSided } from '../helpers/stats.js';

interface Answer {
  body: string;
  variant: string | undefined;
  ms: number;
}

describe('shadow variants', () => {
  let t: TestServer;
  let rows: string[];
  before(async () => {
    t = await startTestServer();
    ({ rows } = testRows(t.data));
    await t.sagemaker.send(new CreateModelCommand({ ModelName: 'model-shadow-failing', PrimaryContainer: { Image: 'acme/broken:1', Environment: { SPLITSERVE_CONTAINER_COMMAND: containerScript({ status: 500 }) } } }));
    await t.sagemaker.send(new CreateModelCommand({ ModelName: 'model-shadow-hanging', PrimaryContainer: { Image: 'acme/hang:1', Environment: { SPLITSERVE_CONTAINER_COMMAND: containerScript({ delayMs: 20_000 }) } } }));
    // The baseline: VariantA alone (VariantB at weight 0), no shadow.
    await deploySeedEndpoint(t.sagemaker, 'baseline', [1, 0]);
  });
  after(async () => t.close());

  const shadowOf = (model: string, weight: number) => ({ ShadowProductionVariants: [{ VariantName: 'Shadow', ModelName: model, InitialInstanceCount: 1, InitialVariantWeight: weight }] });

  async function send(endpoint: string, concurrency = 8): Promise<Answer[]> {
    const out: Answer[] = new Array(rows.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < rows.length) {
          const i = next++;
          const started = performance.now();
          const res = await t.runtime.send(new InvokeEndpointCommand({ EndpointName: endpoint, ContentType: 'text/csv', Body: Buffer.from(rows[i]) }));
          out[i] = { body: Buffer.from(res.Body!).toString(), variant: res.InvokedProductionVariant, ms: performance.now() - started };
        }
      }),
    );
    return out;
  }

  const slot = (endpoint: string, variant: string) => t.app.recorder.slotsOf(endpoint).find((s) => s.variant === variant)!;
  const report = async (endpoint: string) => (await (await fetch(`${t.url}/v1/endpoints/${endpoint}/report`)).json()) as { shadows: { variant: string; pairs: number; agreement: number; meanAbsoluteScoreDifference: number; requests: number; errorRate: number }[] };

  it('mirrors every request to a healthy shadow, answers exactly as without it, and reports agreement', async () => {
    await deploySeedEndpoint(t.sagemaker, 'shadowed', [1, 0], shadowOf('model-titanic-b', 1));
    const base = await send('baseline');
    const live = await send('shadowed');
    assert.deepEqual(live.map((a) => a.body), base.map((a) => a.body), 'live answers are byte-identical to the endpoint without a shadow');
    assert.ok(live.every((a) => a.variant === 'VariantA'), 'the shadow never answers the caller');
    await t.app.endpoints.settle();
    for (let i = 0; i < 100 && slot('shadowed', 'Shadow').totalInvocations < rows.length; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(slot('shadowed', 'Shadow').totalInvocations, rows.length);

    // What the shadow should have answered: model B on the same rows, asked directly.
    await deploySeedEndpoint(t.sagemaker, 'direct-b', [0, 1]);
    const b = await send('direct-b');
    const pairs = base.map((a, i) => [Number(a.body), Number(b[i].body)]);
    const agreement = pairs.filter(([x, y]) => x >= 0.5 === y >= 0.5).length / pairs.length;
    const mad = pairs.reduce((s, [x, y]) => s + Math.abs(x - y), 0) / pairs.length;
    const r = (await report('shadowed')).shadows[0];
    assert.equal(r.variant, 'Shadow');
    assert.equal(r.pairs, rows.length);
    assert.equal(r.requests, rows.length);
    assert.equal(r.errorRate, 0);
    assert.ok(Math.abs(r.agreement - agreement) < 1e-12, `agreement ${r.agreement} vs ${agreement}`);
    assert.ok(Math.abs(r.meanAbsoluteScoreDifference - mad) < 1e-6, `score difference ${r.meanAbsoluteScoreDifference} vs ${mad}`);
    assert.ok(agreement > 0.8 && agreement < 1, `A and B mostly agree but not always (${agreement})`);
  });

  it('mirrors the sampled share (shadow weight relative to production; exact binomial test)', async () => {
    await deploySeedEndpoint(t.sagemaker, 'sampled', [1, 0], shadowOf('model-titanic-b', 0.25));
    let sent = 0;
    for (let round = 0; round < 5; round++) sent += (await send('sampled')).length;
    await t.app.endpoints.settle();
    await new Promise((r) => setTimeout(r, 200));
    const mirrored = slot('sampled', 'Shadow').totalInvocations;
    const p = binomialTwoSided(mirrored, sent, 0.25);
    assert.ok(p > 0.001, `${mirrored} of ${sent} mirrored: p = ${p}`);
  });

  it('a failing shadow changes nothing for the caller and is measured as failing', async () => {
    await deploySeedEndpoint(t.sagemaker, 'shadow-fails', [1, 0], shadowOf('model-shadow-failing', 1));
    const base = await send('baseline');
    const live = await send('shadow-fails');
    assert.deepEqual(live.map((a) => a.body), base.map((a) => a.body));
    for (let i = 0; i < 200 && slot('shadow-fails', 'Shadow').totalInvocations < rows.length; i++) await new Promise((r) => setTimeout(r, 20));
    const s = slot('shadow-fails', 'Shadow');
    assert.equal(s.totalInvocations, rows.length);
    assert.equal(s.totalErr4xx + s.totalErr5xx, rows.length, 'every shadow call failed and was counted');
    assert.equal(slot('shadow-fails', 'VariantA').totalErr4xx + slot('shadow-fails', 'VariantA').totalErr5xx, 0);
    const r = (await report('shadow-fails')).shadows[0];
    assert.equal(r.errorRate, 1);
  });

  it('a hanging shadow never delays the live answer, and its in-flight copies are capped', async () => {
    await deploySeedEndpoint(t.sagemaker, 'shadow-hangs', [1, 0], shadowOf('model-shadow-hanging', 1));
    const base = await send('baseline');
    const live = await send('shadow-hangs');
    assert.deepEqual(live.map((a) => a.body), base.map((a) => a.body));
    const slowest = Math.max(...live.map((a) => a.ms));
    assert.ok(slowest < 2_000, `slowest live answer ${slowest.toFixed(1)} ms while the shadow hangs for 20 s`);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const liveMedian = median(live.map((a) => a.ms));
    const baseMedian = median(base.map((a) => a.ms));
    assert.ok(liveMedian < baseMedian * 3 + 5, `median ${liveMedian.toFixed(2)} ms with a hanging shadow vs ${baseMedian.toFixed(2)} ms without`);
    const inFlight = slot('shadow-hangs', 'Shadow').inFlight;
    assert.ok(inFlight > 0 && inFlight <= 64, `shadow copies in flight: ${inFlight} (cap 64)`);
  });
});
