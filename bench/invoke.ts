/**
 * Invocation throughput and latency for seed variant B over loopback with keep-alive, against a bare node:http
 * server answering a fixed body (the ceiling), both measured by the same load generator in the same run.
 * Then the router's own overhead (OverheadLatency: time outside the model) at half of splitserve's peak rate.
 */
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../src/app.js';
import { startServer } from '../src/api/server.js';
import { prepareTitanic, SEED_VARIANTS, trainAndRegister } from '../src/training/pipeline.js';
import { load } from './load.js';
import { QUICK, table } from './util.js';

export const ROW = '1,1,38,1,0,71.2833,1';

/** An in-process splitserve with the seed models registered and one single-variant endpoint per name given. */
export async function benchServer(endpoints: { name: string; capture?: boolean }[]): Promise<{ app: App; url: string; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'splitserve-bench-'));
  const app = await createApp({ dataDir: dir, intervals: { rolloutMs: 0, banditMs: 0, alarmMs: 0 } });
  const data = await prepareTitanic();
  await trainAndRegister(app.registry, 'titanic-b', data, SEED_VARIANTS['titanic-b']);
  await app.endpoints.createModel({ ModelName: 'b', PrimaryContainer: { Image: 'sagemaker-xgboost:1.7-1', ModelDataUrl: 'registry://titanic-b' } });
  for (const e of endpoints) {
    await app.endpoints.createEndpointConfig({
      EndpointConfigName: `${e.name}-config`,
      ProductionVariants: [{ VariantName: 'VariantB', ModelName: 'b', InitialVariantWeight: 1 }],
      ...(e.capture ? { DataCaptureConfig: { EnableCapture: true, InitialSamplingPercentage: 100, CaptureOptions: [{ CaptureMode: 'InputAndOutput' as const }] } } : {}),
    });
    await app.endpoints.createEndpoint({ EndpointName: e.name, EndpointConfigName: `${e.name}-config` });
  }
  for (let i = 0; i < 200 && (await app.endpoints.listEndpoints()).some((e) => e.EndpointStatus !== 'InService'); i++) await new Promise((r) => setTimeout(r, 20));
  const server = await startServer(app, { host: '127.0.0.1', port: 0 });
  return {
    app,
    url: server.url,
    close: async () => {
      await server.close();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function run(): Promise<void> {
  const seconds = QUICK ? 1 : 10;
  const bare = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.end('0.9617307782173157');
    });
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const bareUrl = `http://127.0.0.1:${(bare.address() as { port: number }).port}/`;
  const s = await benchServer([{ name: 'bench' }, { name: 'half' }]);
  const url = `${s.url}/endpoints/bench/invocations`;
  try {
    await load(url, { body: ROW, seconds: 1 }); // warm-up
    await load(bareUrl, { body: ROW, seconds: 1 });
    const rounds = QUICK ? 1 : 3;
    const ours: number[] = [];
    const base: number[] = [];
    let oursLast = await load(url, { body: ROW, seconds });
    let baseLast = await load(bareUrl, { body: ROW, seconds });
    ours.push(oursLast.requestsPerSec);
    base.push(baseLast.requestsPerSec);
    for (let i = 1; i < rounds; i++) {
      oursLast = await load(url, { body: ROW, seconds });
      baseLast = await load(bareUrl, { body: ROW, seconds });
      ours.push(oursLast.requestsPerSec);
      base.push(baseLast.requestsPerSec);
    }
    const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
    table(`Peak throughput, 16 keep-alive connections, ${rounds} x ${seconds} s alternating, median`, ['server', 'req/s', 'p50 ms (last run)', 'p99 ms (last run)', 'errors', 'share of bare node:http'], [
      ['bare node:http, fixed body', med(base), baseLast.p50Ms, baseLast.p99Ms, baseLast.errors + baseLast.non2xx, 1],
      ['splitserve, seed variant B (CSV in, CSV out)', med(ours), oursLast.p50Ms, oursLast.p99Ms, oursLast.errors + oursLast.non2xx, med(ours) / med(base)],
    ]);

    const rate = Math.round(med(ours) / 2);
    const before = Date.now();
    const half = await load(`${s.url}/endpoints/half/invocations`, { body: ROW, seconds, rate, connections: 8 });
    const stats = async (metric: string) =>
      (await s.app.metrics.statistics({ namespace: 'AWS/SageMaker', metric, dimensions: [{ Name: 'EndpointName', Value: 'half' }, { Name: 'VariantName', Value: 'VariantB' }], start: before - 120_000, end: Date.now() + 60_000, period: 3600, statistics: ['Average', 'SampleCount'], extended: ['p50', 'p99'] }))[0];
    const overhead = await stats('OverheadLatency');
    const model = await stats('ModelLatency');
    table(`At half of peak (${rate} req/s offered for ${seconds} s): where the time goes, measured by splitserve per request`, ['measure', 'value'], [
      ['achieved req/s', half.requestsPerSec],
      ['client p50 / p99 ms', `${half.p50Ms} / ${half.p99Ms}`],
      ['requests measured', overhead?.SampleCount ?? 0],
      ['ModelLatency p50 / p99 us', `${model?.ExtendedStatistics?.p50.toFixed(1)} / ${model?.ExtendedStatistics?.p99.toFixed(1)}`],
      ['OverheadLatency (router, codecs, HTTP handling) p50 / p99 us', `${overhead?.ExtendedStatistics?.p50.toFixed(1)} / ${overhead?.ExtendedStatistics?.p99.toFixed(1)}`],
      ['goal: overhead p99 under 1000 us', (overhead?.ExtendedStatistics?.p99 ?? Infinity) < 1000 ? 'met' : 'missed'],
    ]);
  } finally {
    await s.close();
    bare.close();
  }
}
