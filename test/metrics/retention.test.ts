import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app.js';
import type { InvocationEvent } from '../../src/metrics/index.js';

const DAY = 24 * 3600 * 1000;

function event(endpoint: string, at: number): InvocationEvent {
  return {
    endpoint,
    variant: 'VariantA',
    inferenceId: `id-${at}-${Math.random()}`,
    startedAt: at,
    status: 200,
    modelLatencyUs: 100,
    overheadLatencyUs: 10,
    requestBody: Buffer.from('1,2'),
    contentType: 'text/csv',
    accept: undefined,
    result: { body: Buffer.from('0.5'), contentType: 'text/csv' },
    shadow: false,
    assignmentKey: undefined,
  } as InvocationEvent;
}

describe('metrics retention', () => {
  it('keeps 15 days of minutes and custom datapoints and prunes what is older, counting exactly until then', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'splitserve-retention-'));
    let clock = Date.UTC(2026, 0, 1);
    const app = await createApp({ dataDir: dir, now: () => clock, intervals: { rolloutMs: 0, banditMs: 0, alarmMs: 0, metricsFlushMs: 0, retentionMs: 0 } });
    try {
      const old = clock;
      for (let i = 0; i < 30; i++) app.recorder.invocationFinished(event('ep', clock));
      await app.metrics.putCustom('ML/ModelQuality', 'PredictionAccuracy', [], clock, { count: 1, sum: 0.8, min: 0.8, max: 0.8 });
      clock += 10 * DAY;
      const recent = clock;
      for (let i = 0; i < 12; i++) app.recorder.invocationFinished(event('ep', clock));
      await app.recorder.flush();
      const sum = async () => {
        const points = await app.metrics.statistics({ namespace: 'AWS/SageMaker', metric: 'Invocations', dimensions: [{ Name: 'EndpointName', Value: 'ep' }, { Name: 'VariantName', Value: 'VariantA' }], start: old - DAY, end: clock + DAY, period: 60, statistics: ['Sum'], extended: [] });
        return points.reduce((s, p) => s + (p.Sum ?? 0), 0);
      };
      assert.equal(await sum(), 42);
      clock = old + 14 * DAY;
      await app.recorder.prune();
      assert.equal(await sum(), 42, 'data younger than 15 days stays');
      clock = old + 16 * DAY;
      await app.recorder.prune();
      assert.equal(await sum(), 12, 'the minute from 16 days ago is gone, the one from 6 days ago stays');
      const custom = await app.metrics.statistics({ namespace: 'ML/ModelQuality', metric: 'PredictionAccuracy', dimensions: [], start: old - DAY, end: clock, period: 60, statistics: ['SampleCount'], extended: [] });
      assert.equal(custom.length, 0);
      assert.ok(recent > old);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
