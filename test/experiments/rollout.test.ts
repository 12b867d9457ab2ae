import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CreateEndpointCommand, CreateEndpointConfigCommand, CreateModelCommand, waitUntilEndpointInService } from '@aws-sdk/client-sagemaker';
import { createApp } from '../../src/app.js';
import { parseHyperparameters } from '../../src/training/hyperparameters.js';
import { trainXgboost } from '../../src/training/xgboost-trainer.js';
import { SEED_VARIANTS } from '../../src/training/pipeline.js';
import type { InvokeRequest } from '../../src/endpoints/index.js';
import { startTestServer, testRows, type TestServer } from '../helpers/server.js';
import { createSeedModels, XGBOOST_IMAGE } from '../helpers/endpoint.js';
import { containerScript } from '../helpers/container.js';

describe('guarded rollouts on live traffic', () => {
  let t: TestServer;
  let rows: string[];
  let labels: number[];
  before(async () => {
    t = await startTestServer();
    ({ rows, labels } = testRows(t.data));
    await createSeedModels(t.sagemaker);
    // A deliberately bad model: XGBoost trained on the inverted outcome.
    const inverted = { ...t.data.train, y: Float32Array.from(t.data.train.y, (v) => 1 - v) };
    const out = trainXgboost({ train: inverted, schema: t.data.schema, hyperparameters: parseHyperparameters(SEED_VARIANTS['titanic-a']) });
    await t.app.registry.register({ name: 'titanic-inverted', framework: 'xgboost', artifact: out.model, featureSchema: t.data.schema });
    await t.sagemaker.send(new CreateModelCommand({ ModelName: 'model-inverted', PrimaryContainer: { Image: XGBOOST_IMAGE, ModelDataUrl: 'registry://titanic-inverted' } }));
    await t.sagemaker.send(new CreateModelCommand({ ModelName: 'model-failing', PrimaryContainer: { Image: 'acme/broken:1', Environment: { SPLITSERVE_CONTAINER_COMMAND: containerScript({ status: 500 }) } } }));
    await t.sagemaker.send(new CreateModelCommand({ ModelName: 'model-slow', PrimaryContainer: { Image: 'acme/slow:1', Environment: { SPLITSERVE_CONTAINER_COMMAND: containerScript({ delayMs: 40 }) } } }));
  });
  after(async () => t.close());

  async function endpoint(name: string, control: string, challenger: string): Promise<void> {
    await t.sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: `${name}-config`,
        ProductionVariants: [
          { VariantName: 'Control', ModelName: control, InitialVariantWeight: 100 },
          { VariantName: 'Challenger', ModelName: challenger, InitialVariantWeight: 0 },
        ],
      }),
    );
    await t.sagemaker.send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: `${name}-config` }));
    await waitUntilEndpointInService({ client: t.sagemaker, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { EndpointName: name });
  }

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${t.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  /** Sends `n` test passengers with inference ids and posts their true outcome. */
  async function traffic(name: string, n: number, tag: string): Promise<Record<number, number>> {
    const statuses: Record<number, number> = {};
    const items: { inferenceId: string; label: number }[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = w; i < n; i += 8) {
          const id = `${tag}-${i}`;
          const res = await fetch(`${t.url}/endpoints/${name}/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv', 'x-amzn-sagemaker-inference-id': id }, body: rows[i % rows.length] });
          await res.arrayBuffer();
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          if (res.status === 200) items.push({ inferenceId: id, label: labels[i % rows.length] });
        }
      }),
    );
    if (items.length) assert.equal((await api('POST', `/v1/endpoints/${name}/feedback`, { items })).status, 200);
    return statuses;
  }

  const weights = async (name: string) => Object.fromEntries((await t.app.endpoints.describeEndpoint(name)).ProductionVariants.map((v) => [v.VariantName, v.CurrentWeight]));

  for (const [kind, model, guardrails, reason] of [
    ['errors', 'model-failing', { maxErrorRate: 0.05 }, /error rate 100\.00%/],
    ['slowness', 'model-slow', { maxLatencyP99Us: 20_000 }, /p99 latency \d+ µs .* exceeds 20000 µs/],
    ['worse accuracy', 'model-inverted', { maxAccuracyDrop: 0.05 }, /accuracy 0\.\d+ is worse than control/],
  ] as const) {
    it(`rolls a challenger with ${kind} back at the first evaluation that has enough samples`, async () => {
      const name = `bad-${kind.replace(/ /g, '-')}`;
      await endpoint(name, 'model-titanic-a', model);
      const begun = await api('PUT', `/v1/endpoints/${name}/rollout`, { control: 'Control', challenger: 'Challenger', strategy: 'canary', canaryPercent: 30, bakeSeconds: 3600, minSamples: 30, guardrails });
      assert.equal(begun.status, 201, JSON.stringify(begun.body));
      assert.deepEqual(await weights(name), { Control: 70, Challenger: 30 });
      await traffic(name, 300, name);
      const after = await api('POST', `/v1/endpoints/${name}/rollout/evaluate`);
      assert.equal(after.body.state.status, 'rolled_back', JSON.stringify(after.body.state));
      assert.match(after.body.state.reason, reason);
      assert.deepEqual(await weights(name), { Control: 100, Challenger: 0 });
      const events = (await api('GET', `/v1/endpoints/${name}/events`)).body.events as { kind: string; message: string }[];
      assert.ok(events.some((e) => e.kind === 'rolled_back' && reason.test(e.message)));
      const statuses = await traffic(name, 50, `${name}-after`);
      assert.deepEqual(statuses, { 200: 50 }, 'after the rollback every request succeeds on the control');
    });
  }

  it('promotes a good challenger through every step (20 → 50 → 80 → 100) with bake time', async () => {
    await endpoint('good', 'model-titanic-a', 'model-titanic-b');
    const begun = await api('PUT', '/v1/endpoints/good/rollout', { control: 'Control', challenger: 'Challenger', strategy: 'steps', steps: [20, 50, 80, 100], bakeSeconds: 0.3, minSamples: 20, guardrails: { maxErrorRate: 0.01, maxLatencyP99Us: 500_000, maxAccuracyDrop: 0.2 } });
    assert.equal(begun.status, 201);
    const seen: number[] = [(await weights('good')).Challenger];
    for (let round = 0; round < 20; round++) {
      await traffic('good', 120, `good-${round}`);
      await new Promise((r) => setTimeout(r, 320));
      const s = (await api('POST', '/v1/endpoints/good/rollout/evaluate')).body.state;
      const w = (await weights('good')).Challenger;
      if (w !== seen[seen.length - 1]) seen.push(w);
      if (s.status !== 'running') {
        assert.equal(s.status, 'succeeded');
        break;
      }
    }
    assert.deepEqual(seen, [20, 50, 80, 100]);
    const kinds = ((await api('GET', '/v1/endpoints/good/events')).body.events as { kind: string }[]).map((e) => e.kind);
    assert.deepEqual(kinds.filter((k) => k !== 'bandit'), ['started', 'step', 'step', 'step', 'succeeded']);
  });

  it('promotes at once when the accuracy gain is proven by the sequential test', async () => {
    await endpoint('promote', 'model-inverted', 'model-titanic-b');
    await api('PUT', '/v1/endpoints/promote/rollout', { control: 'Control', challenger: 'Challenger', strategy: 'steps', steps: [20, 50, 80, 100], bakeSeconds: 3600, minSamples: 1000, promoteOnAccuracyGain: 0.02 });
    await traffic('promote', 400, 'promote');
    const s = (await api('POST', '/v1/endpoints/promote/rollout/evaluate')).body.state;
    assert.equal(s.status, 'succeeded');
    assert.equal((await weights('promote')).Challenger, 100);
    assert.ok(s.lastCheck.accuracy.ci[0] > 0.02, `always-valid CI ${s.lastCheck.accuracy.ci}`);
  });

  it('refuses bad policies with 400 and names the problem', async () => {
    const r = await api('PUT', '/v1/endpoints/good/rollout', { control: 'Control', challenger: 'Control' });
    assert.equal(r.status, 400);
    assert.match(JSON.stringify(r.body), /different variants/);
    const s = await api('PUT', '/v1/endpoints/good/rollout', { control: 'Control', challenger: 'Challenger', steps: [50, 20] });
    assert.equal(s.status, 400);
    assert.match(JSON.stringify(s.body), /must not decrease/);
  });

  it('resumes at the right step after a restart', async () => {
    await endpoint('resumed', 'model-titanic-a', 'model-titanic-b');
    await api('PUT', '/v1/endpoints/resumed/rollout', { control: 'Control', challenger: 'Challenger', strategy: 'steps', steps: [10, 40, 100], bakeSeconds: 0, minSamples: 10 });
    await traffic('resumed', 200, 'resumed');
    const s = (await api('POST', '/v1/endpoints/resumed/rollout/evaluate')).body.state;
    assert.equal(s.stepIndex, 1);
    // Restart the whole app on the same data directory.
    const dataDir = t.app.options.dataDir;
    const reopened = await createApp({ dataDir, intervals: { rolloutMs: 0, banditMs: 0, alarmMs: 0 } });
    try {
      // the first app still runs in this process; the second sees its persisted state
      const status = reopened.rollouts.status('resumed');
      assert.equal(status?.state.status, 'running');
      assert.equal(status?.state.stepIndex, 1);
      for (let i = 0; i < 300 && (await reopened.endpoints.describeEndpoint('resumed')).EndpointStatus !== 'InService'; i++) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(Object.fromEntries((await reopened.endpoints.describeEndpoint('resumed')).ProductionVariants.map((v) => [v.VariantName, v.CurrentWeight])), { Control: 60, Challenger: 40 });
      const req = (i: number): InvokeRequest => ({ endpointName: 'resumed', body: Buffer.from(rows[i % rows.length]), contentType: 'text/csv', accept: undefined, targetVariant: 'Challenger', customAttributes: undefined, inferenceId: undefined, assignmentKey: undefined, receivedAtNs: process.hrtime.bigint() });
      for (let i = 0; i < 20; i++) await reopened.endpoints.invoke(req(i));
      await reopened.rollouts.tick();
      assert.equal(reopened.rollouts.status('resumed')?.state.stepIndex, 2, 'the next step follows the resumed one');
    } finally {
      await reopened.close();
    }
  });
});
