import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  SageMakerClient,
  UpdateEndpointWeightsAndCapacitiesCommand,
  waitUntilEndpointDeleted,
  waitUntilEndpointInService,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { createApp } from '../../app.js';
import { startServer } from '../../api/server.js';
import { prepareTitanic, SEED_VARIANTS, trainAndRegister, type PreparedData } from '../../training/index.js';
import { chiSquareGoodnessOfFit, type ExperimentReport } from '../../experiments/index.js';
import { heading, pct, table, us } from '../output.js';
import { progressBar } from '../progress.js';

export interface DemoOptions {
  dataDir?: string;
  keep: boolean;
  port: number;
  host: string;
  seed: number;
}

const ENDPOINT = 'titanic-ab';
const CONFIG = 'titanic-ab-80-20';
const IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1';
const VARIANTS = [
  { variant: 'VariantA', model: 'titanic-variant-a', registry: 'titanic-a', weight: 80 },
  { variant: 'VariantB', model: 'titanic-variant-b', registry: 'titanic-b', weight: 20 },
];

function csvRows(data: PreparedData): { rows: string[]; labels: number[] } {
  const rows: string[] = [];
  const labels: number[] = [];
  for (let r = 0; r < data.test.rows; r++) {
    const cells: string[] = [];
    for (let c = 0; c < data.test.cols; c++) {
      const v = data.test.x[r * data.test.cols + c];
      cells.push(Number.isNaN(v) ? '' : String(v));
    }
    rows.push(cells.join(','));
    labels.push(data.test.y[r]);
  }
  return { rows, labels };
}

const say = (s: string) => process.stdout.write(s + '\n');

/**
 * The seed walkthrough end to end on this machine: train both variants, deploy them 80/20 through the SageMaker
 * API, send the test passengers, post their true outcome, read CloudWatch statistics, judge, run a guarded canary,
 * roll back, clean up. Every number printed is measured in this run.
 */
export async function runDemo(options: DemoOptions): Promise<void> {
  const started = performance.now();
  const tempDir = options.dataDir ? undefined : mkdtempSync(join(tmpdir(), 'splitserve-demo-'));
  const dataDir = resolve(options.dataDir ?? tempDir!);
  const app = await createApp({ dataDir, intervals: { rolloutMs: 1000, banditMs: 0, alarmMs: 10_000 } });
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    // Phase 1: train both variants with libxgboost.
    heading('Phase 1 - train two XGBoost variants on Titanic (libxgboost ' + 'through koffi)');
    const data = await prepareTitanic(options.seed);
    say(`data: ${data.table.rows.length} passengers → ${data.split.train.length} train / ${data.split.validation.length} validation / ${data.split.test.length} test (stratified, seed ${options.seed})`);
    const trained = [];
    for (const [name, params] of Object.entries(SEED_VARIANTS)) {
      const bar = progressBar(`training ${name}`, params.num_round);
      const t = await trainAndRegister(app.registry, name, data, params, (round) => bar.update(round));
      bar.stop();
      trained.push(t);
    }
    say(
      table(
        ['model', 'num_round', 'max_depth', 'eta', 'subsample', 'train ms', 'test accuracy', 'test AUC', 'logloss', 'F1'],
        trained.map((t) => {
          const m = t.output.metrics as { accuracy: number; auc: number; logloss: number; f1: number };
          return [`${t.version.name} v${t.version.version}`, t.hyperparameters.num_round, t.hyperparameters.max_depth, t.hyperparameters.eta, t.hyperparameters.subsample, t.trainMs.toFixed(1), m.accuracy.toFixed(4), m.auc.toFixed(4), m.logloss.toFixed(4), m.f1.toFixed(4)];
        }),
      ),
    );

    // Phase 2: deploy through the SageMaker API with the official SDK.
    server = await startServer(app, { host: options.host, port: options.keep ? options.port : 0 });
    const client = { endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'splitserve', secretAccessKey: 'splitserve' } };
    const sagemaker = new SageMakerClient(client);
    const runtime = new SageMakerRuntimeClient(client);
    const cloudwatch = new CloudWatchClient(client);
    heading(`Phase 2 - deploy both variants 80/20 on one endpoint (SageMaker API at ${server.url})`);
    for (const v of VARIANTS) {
      await sagemaker.send(new CreateModelCommand({ ModelName: v.model, PrimaryContainer: { Image: IMAGE, ModelDataUrl: `registry://${v.registry}` }, ExecutionRoleArn: 'arn:aws:iam::000000000000:role/splitserve' }));
    }
    await sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: CONFIG,
        ProductionVariants: VARIANTS.map((v) => ({ VariantName: v.variant, ModelName: v.model, InitialInstanceCount: 1, InstanceType: 'ml.t2.medium', InitialVariantWeight: v.weight })),
      }),
    );
    const t0 = performance.now();
    await sagemaker.send(new CreateEndpointCommand({ EndpointName: ENDPOINT, EndpointConfigName: CONFIG }));
    await waitUntilEndpointInService({ client: sagemaker, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { EndpointName: ENDPOINT });
    say(`endpoint ${ENDPOINT} InService in ${(performance.now() - t0).toFixed(0)} ms (VariantA 80, VariantB 20)`);

    // Phase 3: the test passengers as traffic, their true outcome as ground truth.
    const { rows, labels } = csvRows(data);
    heading(`Phase 3 - send the ${rows.length} test passengers as traffic, post their true outcome as ground truth`);
    const sent = await sendTraffic(runtime, server.url, rows, labels, 'ab', 'traffic');
    const counts = { VariantA: 0, VariantB: 0 } as Record<string, number>;
    for (const s of sent) counts[s.variant]++;
    const n = sent.length;
    const srm = chiSquareGoodnessOfFit([counts.VariantA, counts.VariantB], [0.8 * n, 0.2 * n]);
    say(
      table(
        ['variant', 'weight', 'expected', 'actual', 'share'],
        VARIANTS.map((v) => [v.variant, `${v.weight}%`, (n * v.weight) / 100, counts[v.variant], pct(counts[v.variant] / n)]),
      ),
    );
    const seedCheck = chiSquareGoodnessOfFit([86, 14], [80, 20]);
    say(`sample ratio check: chi-square ${srm.chi2.toFixed(3)}, p = ${srm.pValue.toFixed(4)} (${srm.pValue < 0.001 ? 'MISMATCH: the split is not what the weights say' : 'consistent with 80/20'}). The seed's 86/14 of 100 would be chi-square ${seedCheck.chi2.toFixed(2)}, p = ${seedCheck.pValue.toFixed(4)}: also consistent.`);

    // Phase 4: CloudWatch statistics per variant, and quality from ground truth.
    heading('Phase 4 - per-variant metrics (CloudWatch GetMetricStatistics, ground truth)');
    const quality = (await (await fetch(`${server.url}/v1/endpoints/${ENDPOINT}/quality`)).json()) as { variants: { variant: string; shadow: boolean; classification?: { accuracy: number; auc: number; n: number } }[] };
    const perf: Record<string, { avg: number; min: number; max: number; p99: number; invocations: number; errors: number; accuracy: number; auc: number; n: number }> = {};
    for (const v of VARIANTS) {
      const dims = [
        { Name: 'EndpointName', Value: ENDPOINT },
        { Name: 'VariantName', Value: v.variant },
      ];
      const window = { Namespace: 'AWS/SageMaker', Dimensions: dims, StartTime: new Date(Date.now() - 3_600_000), EndTime: new Date(Date.now() + 60_000), Period: 3600 };
      const inv = await cloudwatch.send(new GetMetricStatisticsCommand({ ...window, MetricName: 'Invocations', Statistics: ['Sum'] }));
      const lat = await cloudwatch.send(new GetMetricStatisticsCommand({ ...window, MetricName: 'ModelLatency', Statistics: ['Average', 'Minimum', 'Maximum'], ExtendedStatistics: ['p99'] }));
      const err = await cloudwatch.send(new GetMetricStatisticsCommand({ ...window, MetricName: 'Invocation5XXErrors', Statistics: ['Sum'] }));
      const l = lat.Datapoints?.[0];
      const q = quality.variants.find((x) => x.variant === v.variant && !x.shadow)?.classification;
      perf[v.variant] = {
        invocations: (inv.Datapoints ?? []).reduce((a, d) => a + (d.Sum ?? 0), 0),
        errors: (err.Datapoints ?? []).reduce((a, d) => a + (d.Sum ?? 0), 0),
        avg: l?.Average ?? NaN,
        min: l?.Minimum ?? NaN,
        max: l?.Maximum ?? NaN,
        p99: l?.ExtendedStatistics?.p99 ?? NaN,
        accuracy: q?.accuracy ?? NaN,
        auc: q?.auc ?? NaN,
        n: q?.n ?? 0,
      };
    }
    const a = perf.VariantA;
    const b = perf.VariantB;
    const winner = (x: number, y: number, lower: boolean) => (!Number.isFinite(x) || !Number.isFinite(y) || x === y ? 'tie' : (lower ? x < y : x > y) ? 'VariantA' : 'VariantB');
    say(
      table(
        ['metric', 'VariantA (50 rounds, depth 3)', 'VariantB (100 rounds, depth 6)', 'winner'],
        [
          ['Avg model latency', us(a.avg), us(b.avg), winner(a.avg, b.avg, true)],
          ['Min model latency', us(a.min), us(b.min), winner(a.min, b.min, true)],
          ['Max model latency', us(a.max), us(b.max), winner(a.max, b.max, true)],
          ['p99 model latency', us(a.p99), us(b.p99), winner(a.p99, b.p99, true)],
          ['Traffic handled', `${a.invocations} requests`, `${b.invocations} requests`, '-'],
          ['5XX errors', String(a.errors), String(b.errors), winner(a.errors, b.errors, true)],
          ['Accuracy (ground truth)', `${a.accuracy.toFixed(4)} (n=${a.n})`, `${b.accuracy.toFixed(4)} (n=${b.n})`, winner(a.accuracy, b.accuracy, false)],
          ['AUC (ground truth)', a.auc.toFixed(4), b.auc.toFixed(4), winner(a.auc, b.auc, false)],
        ],
      ),
    );
    const slower = b.avg / a.avg - 1;
    say(`VariantB's average model latency is ${pct(Math.abs(slower))} ${slower >= 0 ? 'higher' : 'lower'} than VariantA's (in-process TypeScript evaluator; the seed measured seconds on ml.t2.medium through the network).`);

    heading('Analysis - is there a winner?');
    const report = (await (await fetch(`${server.url}/v1/endpoints/${ENDPOINT}/report`)).json()) as ExperimentReport;
    printReport(report);

    // Traffic management: a guarded canary 20 → 50 → 100, then the seed's rollback.
    heading('Traffic management - guarded canary for VariantB: 20% → 50% → 100%');
    const policy = {
      control: 'VariantA',
      challenger: 'VariantB',
      strategy: 'steps',
      steps: [20, 50, 100],
      bakeSeconds: 2,
      minSamples: 40,
      guardrails: { maxErrorRate: 0.01, maxLatencyP99Us: 50_000, maxAccuracyDrop: 0.15, alarms: [] },
    };
    const started2 = await fetch(`${server.url}/v1/endpoints/${ENDPOINT}/rollout`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(policy) });
    if (!started2.ok) throw new Error(`starting the rollout failed: ${await started2.text()}`);
    say(`guardrails: challenger error rate ≤ 1%, p99 ≤ 50 ms, accuracy no worse than control by 0.15 (always-valid test); ≥ 40 challenger requests and 2 s per step`);
    let round = 0;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const st = (await (await fetch(`${server.url}/v1/endpoints/${ENDPOINT}/rollout`)).json()) as { state: { status: string } };
      if (st.state.status !== 'running' || Date.now() > deadline) break;
      await sendTraffic(runtime, server.url, rows.slice(0, 40), labels.slice(0, 40), `canary${round++}`, undefined);
      await new Promise((r) => setTimeout(r, 200));
      await fetch(`${server.url}/v1/endpoints/${ENDPOINT}/rollout/evaluate`, { method: 'POST' });
    }
    const events = (await (await fetch(`${server.url}/v1/endpoints/${ENDPOINT}/events`)).json()) as { events: { at: number; kind: string; message: string }[] };
    for (const e of events.events) say(`  ${new Date(e.at).toISOString().slice(11, 19)} ${e.kind.padEnd(10)} ${e.message}`);

    heading("Rollback - the seed's UpdateEndpointWeightsAndCapacities to VariantA 100 / VariantB 0");
    await sagemaker.send(
      new UpdateEndpointWeightsAndCapacitiesCommand({
        EndpointName: ENDPOINT,
        DesiredWeightsAndCapacities: [
          { VariantName: 'VariantA', DesiredWeight: 100 },
          { VariantName: 'VariantB', DesiredWeight: 0 },
        ],
      }),
    );
    await waitUntilEndpointInService({ client: sagemaker, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { EndpointName: ENDPOINT });
    const after = await sendTraffic(runtime, server.url, rows.slice(0, 100), labels.slice(0, 100), 'after-rollback', undefined);
    say(`after rollback: ${after.filter((s) => s.variant === 'VariantA').length} of ${after.length} requests went to VariantA`);

    if (options.keep) {
      heading('Kept running');
      say(`dashboard: ${server.url}/   SageMaker/CloudWatch API: ${server.url}   data: ${dataDir}`);
      say('Press Ctrl+C to stop.');
      await new Promise<void>((resolveStop) => {
        const stop = () => resolveStop();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      return;
    }
    heading('Phase 5 - clean up');
    await sagemaker.send(new DeleteEndpointCommand({ EndpointName: ENDPOINT }));
    await waitUntilEndpointDeleted({ client: sagemaker, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { EndpointName: ENDPOINT });
    await sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName: CONFIG }));
    for (const v of VARIANTS) await sagemaker.send(new DeleteModelCommand({ ModelName: v.model }));
    say(`deleted endpoint, config and models; the trained artifacts stay in the registry (${(await app.registry.list()).length} versions)`);
    say(`\nwalkthrough finished in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    sagemaker.destroy();
    runtime.destroy();
    cloudwatch.destroy();
  } finally {
    await server?.close();
    await app.close();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }
}

interface Sent {
  variant: string;
  inferenceId: string;
}

/** Sends rows (8 at a time) through the SageMaker runtime API and posts each true outcome as ground truth. */
async function sendTraffic(runtime: SageMakerRuntimeClient, url: string, rows: string[], labels: number[], tag: string, label: string | undefined): Promise<Sent[]> {
  const bar = label ? progressBar(label, rows.length) : { update() {}, stop() {} };
  const out: Sent[] = [];
  const concurrency = 8;
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const i = next++;
      const inferenceId = `${tag}-${i}`;
      const res = await runtime.send(new InvokeEndpointCommand({ EndpointName: ENDPOINT, Body: Buffer.from(rows[i]), ContentType: 'text/csv', InferenceId: inferenceId }));
      out.push({ variant: res.InvokedProductionVariant!, inferenceId });
      bar.update(out.length);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  bar.stop();
  const items = out.map((s) => ({ inferenceId: s.inferenceId, label: labels[Number(s.inferenceId.split('-').pop())] }));
  const res = await fetch(`${url}/v1/endpoints/${ENDPOINT}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items }) });
  if (!res.ok) throw new Error(`posting ground truth failed: ${await res.text()}`);
  return out;
}

export function printReport(report: ExperimentReport): void {
  const srm = report.srm;
  say(`sample ratio: observed ${srm.variants.map((v, i) => `${v} ${srm.observed[i]}`).join(', ')}; expected ${srm.variants.map((v, i) => `${v} ${srm.expected[i].toFixed(1)}`).join(', ')}; p = ${srm.pValue.toFixed(4)}${srm.mismatch ? ' → MISMATCH' : ''}`);
  for (const m of report.metrics) {
    for (const c of m.comparisons) {
      const f = c.frequentist;
      say(
        `${m.metric}: ${c.variant} ${f.treatment.toFixed(4)} vs ${c.control} ${f.control.toFixed(4)} (n ${c.n[1]} / ${c.n[0]}): difference ${f.difference.toFixed(4)} [95% CI ${f.differenceCi[0].toFixed(4)}, ${f.differenceCi[1].toFixed(4)}], relative ${pct(f.relative)} [${pct(f.relativeCi[0])}, ${pct(f.relativeCi[1])}], p = ${f.pValue.toFixed(4)} (Holm ${c.adjustedPValue.toFixed(4)}); P(${c.variant} better) = ${pct(c.bayes.chanceToBeatControl)}, expected loss ${c.bayes.expectedLoss.toFixed(5)}; always-valid CI [${c.sequential.ci[0].toFixed(4)}, ${c.sequential.ci[1].toFixed(4)}]`,
      );
    }
  }
  for (const l of report.latencyPercentiles) {
    say(`p${l.percentile} model latency (interpolated percentile): ${l.variant} ${l.treatmentUs.toFixed(0)} µs vs ${l.control} ${l.controlUs.toFixed(0)} µs: difference ${l.differenceUs.toFixed(0)} µs [95% bootstrap CI ${l.ci[0].toFixed(0)}, ${l.ci[1].toFixed(0)}]`);
  }
  for (const sh of report.shadows) {
    say(`shadow ${sh.variant}: ${sh.pairs} paired answers, agreement ${pct(sh.agreement)}, mean score difference ${sh.meanAbsoluteScoreDifference.toFixed(4)}, errors ${pct(sh.errorRate)}, p99 ${sh.p99Us} µs (production ${sh.productionP99Us} µs)`);
  }
  if (report.sampleSize) {
    say(`to detect ±${report.sampleSize.minimumDetectableEffect} accuracy at 80% power: ${report.sampleSize.perVariant.control} requests with ground truth on the control and ${report.sampleSize.perVariant.treatment} on the challenger at the current split (${report.sampleSize.reached ? 'reached' : 'not reached yet'})`);
  }
  say(`verdict: ${report.verdict.kind.toUpperCase().replace(/_/g, ' ')}${report.verdict.winner ? ` (${report.verdict.winner})` : ''} - ${report.verdict.reason}`);
}
