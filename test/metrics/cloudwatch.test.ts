import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  ListMetricsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { startTestServer, testRows, type TestServer } from '../helpers/server.js';
import { deploySeedEndpoint, inParallel } from '../helpers/endpoint.js';
import { binomialTwoSided } from '../helpers/stats.js';

const dims = (endpoint: string, variant: string) => [
  { Name: 'EndpointName', Value: endpoint },
  { Name: 'VariantName', Value: variant },
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => (statSync(join(dir, e)).isDirectory() ? files(join(dir, e)) : [join(dir, e)]));
}

describe("CloudWatch-compatible metrics: the seed's phase 4", () => {
  let t: TestServer;
  let rows: string[];
  const seen: Record<string, number> = { VariantA: 0, VariantB: 0 };
  let start: Date;
  before(async () => {
    t = await startTestServer({ intervals: { rolloutMs: 0, banditMs: 0, alarmMs: 100 } });
    rows = testRows(t.data).rows;
    start = new Date(Date.now() - 120_000);
    await deploySeedEndpoint(t.sagemaker, 'watched', [80, 20], {
      DataCaptureConfig: { EnableCapture: true, InitialSamplingPercentage: 30, DestinationS3Uri: 's3://bucket/capture', CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }] },
    });
    const answers = await inParallel(2000, 16, (i) => t.runtime.send(new InvokeEndpointCommand({ EndpointName: 'watched', Body: Buffer.from(rows[i % rows.length]), ContentType: 'text/csv' })));
    for (const a of answers) seen[a.InvokedProductionVariant!]++;
    for (let i = 0; i < 7; i++) await fetch(`${t.url}/endpoints/watched/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: '1,2' });
  });
  after(async () => t.close());

  const end = () => new Date(Date.now() + 120_000);

  it('GetMetricStatistics: per-variant Invocations Sum equals what the client saw; latency statistics agree with the histograms', async () => {
    for (const variant of ['VariantA', 'VariantB']) {
      const inv = await t.cloudwatch.send(new GetMetricStatisticsCommand({ Namespace: 'AWS/SageMaker', MetricName: 'Invocations', Dimensions: dims('watched', variant), StartTime: start, EndTime: end(), Period: 60, Statistics: ['Sum'] }));
      const sum = inv.Datapoints!.reduce((s, p) => s + p.Sum!, 0);
      const bad = await t.cloudwatch.send(new GetMetricStatisticsCommand({ Namespace: 'AWS/SageMaker', MetricName: 'Invocation4XXErrors', Dimensions: dims('watched', variant), StartTime: start, EndTime: end(), Period: 60, Statistics: ['Sum'] }));
      const errors = bad.Datapoints!.reduce((s, p) => s + p.Sum!, 0);
      // SageMaker counts every request in Invocations, failed ones too.
      assert.equal(sum - errors, seen[variant], `${variant}: CloudWatch ${sum} - ${errors} errors vs client ${seen[variant]}`);
    }
    const errorsTotal = await Promise.all(
      ['VariantA', 'VariantB'].map((v) =>
        t.cloudwatch.send(new GetMetricStatisticsCommand({ Namespace: 'AWS/SageMaker', MetricName: 'Invocation4XXErrors', Dimensions: dims('watched', v), StartTime: start, EndTime: end(), Period: 60, Statistics: ['Sum'] })),
      ),
    );
    assert.equal(errorsTotal.flatMap((r) => r.Datapoints!).reduce((s, p) => s + p.Sum!, 0), 7);

    const slot = t.app.recorder.slot('watched', 'VariantB');
    const lat = await t.cloudwatch.send(
      new GetMetricStatisticsCommand({ Namespace: 'AWS/SageMaker', MetricName: 'ModelLatency', Dimensions: dims('watched', 'VariantB'), StartTime: start, EndTime: end(), Period: 3600, Statistics: ['SampleCount', 'Average', 'Minimum', 'Maximum'], ExtendedStatistics: ['p50', 'p99'] }),
    );
    assert.equal(lat.Datapoints!.length, 1);
    const p = lat.Datapoints![0];
    assert.equal(p.Unit, 'Microseconds');
    assert.equal(p.SampleCount, slot.totalInvocations);
    assert.ok(p.Minimum! <= p.ExtendedStatistics!.p50 && p.ExtendedStatistics!.p50 <= p.ExtendedStatistics!.p99 && p.ExtendedStatistics!.p99 <= p.Maximum! * 1.001);
    assert.ok(p.Minimum! <= p.Average! && p.Average! <= p.Maximum!);
    // The stored minutes and the lifetime histogram hold the same observations: percentiles agree to histogram precision.
    const hist99 = slot.lifetimeModel.getValueAtPercentile(99);
    assert.ok(Math.abs(p.ExtendedStatistics!.p99 - hist99) / hist99 < 0.01, `p99 ${p.ExtendedStatistics!.p99} vs histogram ${hist99}`);
    assert.ok(Math.abs(p.Average! - slot.promModelSum / slot.totalInvocations) / p.Average! < 1e-6);
  });

  it('GetMetricData and ListMetrics', async () => {
    const out = await t.cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: start,
        EndTime: end(),
        MetricDataQueries: ['VariantA', 'VariantB'].map((v, i) => ({ Id: `inv${i}`, MetricStat: { Metric: { Namespace: 'AWS/SageMaker', MetricName: 'Invocations', Dimensions: dims('watched', v) }, Period: 60, Stat: 'Sum' } })),
      }),
    );
    const byId = Object.fromEntries(out.MetricDataResults!.map((r) => [r.Id, r.Values!.reduce((a, b) => a + b, 0)]));
    assert.equal(byId.inv0 + byId.inv1, seen.VariantA + seen.VariantB + 7);
    assert.ok(out.MetricDataResults!.every((r) => r.StatusCode === 'Complete'));
    const listed = await t.cloudwatch.send(new ListMetricsCommand({ Namespace: 'AWS/SageMaker', MetricName: 'ModelLatency' }));
    const variants = listed.Metrics!.map((m) => m.Dimensions!.find((d) => d.Name === 'VariantName')?.Value).sort();
    assert.deepEqual(variants, ['VariantA', 'VariantB']);
  });

  it('PutMetricData round-trips a custom metric (ML/ModelQuality PredictionAccuracy per variant)', async () => {
    const now = new Date();
    await t.cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'ML/ModelQuality',
        MetricData: [
          { MetricName: 'PredictionAccuracy', Dimensions: [{ Name: 'VariantName', Value: 'VariantA' }], Value: 0.82, Unit: 'None', Timestamp: now },
          { MetricName: 'PredictionAccuracy', Dimensions: [{ Name: 'VariantName', Value: 'VariantA' }], Value: 0.84, Unit: 'None', Timestamp: now },
          { MetricName: 'PredictionAccuracy', Dimensions: [{ Name: 'VariantName', Value: 'VariantB' }], Value: 0.85, Unit: 'None', Timestamp: now },
        ],
      }),
    );
    const got = await t.cloudwatch.send(
      new GetMetricStatisticsCommand({ Namespace: 'ML/ModelQuality', MetricName: 'PredictionAccuracy', Dimensions: [{ Name: 'VariantName', Value: 'VariantA' }], StartTime: start, EndTime: end(), Period: 60, Statistics: ['Average', 'SampleCount', 'Minimum', 'Maximum'] }),
    );
    assert.equal(got.Datapoints!.length, 1);
    assert.equal(got.Datapoints![0].SampleCount, 2);
    assert.ok(Math.abs(got.Datapoints![0].Average! - 0.83) < 1e-12);
    assert.equal(got.Datapoints![0].Minimum, 0.82);
    assert.equal(got.Datapoints![0].Maximum, 0.84);
    await assert.rejects(t.cloudwatch.send(new PutMetricDataCommand({ Namespace: 'AWS/Mine', MetricData: [{ MetricName: 'x', Value: 1 }] })), /AWS\//);
  });

  it('an alarm goes to ALARM when its threshold is crossed, and back to OK', async () => {
    await t.cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: 'watched-4xx',
        Namespace: 'AWS/SageMaker',
        MetricName: 'Invocation4XXErrors',
        Dimensions: dims('watched', 'VariantA'),
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 100,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      }),
    );
    const state = async () => (await t.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['watched-4xx'] }))).MetricAlarms![0];
    assert.equal((await state()).StateValue, 'OK');
    await inParallel(120, 8, () => fetch(`${t.url}/endpoints/watched/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv', 'x-amzn-sagemaker-target-variant': 'VariantA' }, body: '9' }).then((r) => r.arrayBuffer()));
    const deadline = Date.now() + 5000;
    while ((await state()).StateValue !== 'ALARM' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const alarm = await state();
    assert.equal(alarm.StateValue, 'ALARM');
    assert.match(alarm.StateReason!, /Threshold Crossed/);
    await t.cloudwatch.send(new PutMetricAlarmCommand({ ...alarm, AlarmName: 'watched-4xx', Threshold: 1_000_000 } as never));
    assert.equal((await state()).StateValue, 'OK');
    await t.cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: ['watched-4xx'] }));
    assert.equal((await t.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['watched-4xx'] }))).MetricAlarms!.length, 0);
  });

  it('answers the Query protocol with XML the way boto3 (Debian python3-boto3) expects', async () => {
    const script = `
import boto3, datetime, json, sys
cw = boto3.client('cloudwatch', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='y')
now = datetime.datetime.now(datetime.timezone.utc)
out = {}
for v in ['VariantA', 'VariantB']:
    r = cw.get_metric_statistics(Namespace='AWS/SageMaker', MetricName='Invocations', Dimensions=[{'Name': 'EndpointName', 'Value': 'watched'}, {'Name': 'VariantName', 'Value': v}],
        StartTime=now - datetime.timedelta(minutes=10), EndTime=now + datetime.timedelta(minutes=2), Period=60, Statistics=['Sum'])
    out[v] = sum(p['Sum'] for p in r['Datapoints'])
cw.put_metric_data(Namespace='ML/ModelQuality', MetricData=[{'MetricName': 'PredictionAccuracy', 'Dimensions': [{'Name': 'VariantName', 'Value': 'VariantB'}], 'Value': 0.9}])
r = cw.get_metric_statistics(Namespace='ML/ModelQuality', MetricName='PredictionAccuracy', Dimensions=[{'Name': 'VariantName', 'Value': 'VariantB'}],
    StartTime=now - datetime.timedelta(minutes=10), EndTime=now + datetime.timedelta(minutes=2), Period=600, Statistics=['SampleCount', 'Maximum'])
out['quality'] = {'SampleCount': sum(p['SampleCount'] for p in r['Datapoints']), 'Maximum': max(p['Maximum'] for p in r['Datapoints'])}
out['metrics'] = len(cw.list_metrics(Namespace='AWS/SageMaker')['Metrics'])
cw.put_metric_alarm(AlarmName='py-alarm', Namespace='AWS/SageMaker', MetricName='Invocations', Dimensions=[{'Name': 'EndpointName', 'Value': 'watched'}, {'Name': 'VariantName', 'Value': 'VariantA'}],
    Statistic='Sum', Period=60, EvaluationPeriods=1, Threshold=1, ComparisonOperator='GreaterThanOrEqualToThreshold')
out['alarm'] = cw.describe_alarms(AlarmNames=['py-alarm'])['MetricAlarms'][0]['StateValue']
try:
    cw.get_metric_statistics(Namespace='AWS/SageMaker', MetricName='Invocations', StartTime=now, EndTime=now, Period=61, Statistics=['Sum'])
    out['error'] = None
except cw.exceptions.ClientError as e:
    out['error'] = e.response['Error']['Code']
print(json.dumps(out, default=str))
`;
    // The server runs in this process, so python must run asynchronously.
    const res = await promisify(execFile)('/usr/bin/python3', ['-c', script, t.url], { encoding: 'utf8', timeout: 60_000 });
    const out = JSON.parse(res.stdout);
    assert.equal(out.VariantA + out.VariantB, seen.VariantA + seen.VariantB + 7 + 120);
    assert.equal(out.quality.SampleCount, 2);
    assert.equal(out.quality.Maximum, 0.9);
    assert.ok(out.metrics >= 14, `ListMetrics gave ${out.metrics}`);
    assert.equal(out.alarm, 'ALARM');
    assert.equal(out.error, 'InvalidParameterValue');
  });

  it('exposes /metrics in the Prometheus text format (read by the official Python client parser), counts equal to the recorder', async () => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    const parser = `
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = {}
for f in text_string_to_metric_families(sys.stdin.read()):
    out[f.name] = {'type': f.type, 'samples': [{'name': s.name, 'labels': s.labels, 'value': s.value} for s in f.samples]}
print(json.dumps(out))
`;
    const child = execFile('/usr/bin/python3', ['-c', parser], { encoding: 'utf8', maxBuffer: 16 << 20 });
    child.stdin!.end(text);
    const stdout = await new Promise<string>((ok, fail) => {
      let o = '';
      let e = '';
      child.stdout!.on('data', (d) => (o += d));
      child.stderr!.on('data', (d) => (e += d));
      child.on('exit', (code) => (code === 0 ? ok(o) : fail(new Error(e))));
    });
    type Family = { type: string; samples: { name: string; labels: Record<string, string>; value: number }[] };
    const families = JSON.parse(stdout) as Record<string, Family>;
    const inv = families['splitserve_invocations'];
    assert.equal(inv.type, 'counter');
    for (const v of ['VariantA', 'VariantB']) {
      const sample = inv.samples.find((x) => x.name === 'splitserve_invocations_total' && x.labels.endpoint === 'watched' && x.labels.variant === v)!;
      assert.equal(sample.value, t.app.recorder.slot('watched', v).totalInvocations);
    }
    const hist = families['splitserve_model_latency_seconds'];
    assert.equal(hist.type, 'histogram');
    const ofB = hist.samples.filter((x) => x.labels.endpoint === 'watched' && x.labels.variant === 'VariantB');
    const count = ofB.find((x) => x.name.endsWith('_count'))!.value;
    assert.equal(count, t.app.recorder.slot('watched', 'VariantB').totalInvocations);
    const buckets = ofB.filter((x) => x.name.endsWith('_bucket')).map((x) => x.value);
    assert.ok(buckets.every((b, i) => i === 0 || b >= buckets[i - 1]), 'buckets are cumulative');
    assert.equal(buckets.at(-1), count);
    const weights = families['splitserve_variant_weight'];
    assert.deepEqual(weights.samples.filter((m) => m.labels.endpoint === 'watched').map((m) => m.value).sort((x, y) => x - y), [20, 80]);
  });

  it('captures the sampled share of requests (exact binomial test) with input and output per line', async () => {
    await t.app.capture.flush();
    const captureDir = join(t.dir, 'capture', 'watched');
    const lines = files(captureDir).flatMap((f) => {
      assert.match(f, /watched\/Variant[AB]\/\d{4}\/\d{2}\/\d{2}\/\d{2}(-\d+)?\.jsonl$/);
      return readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    });
    const served = seen.VariantA + seen.VariantB; // failed requests are not captured
    const p = binomialTwoSided(lines.length, served, 0.3);
    assert.ok(p > 0.001, `${lines.length} of ${served} captured at 30%: p = ${p}`);
    const ids = new Set(lines.map((l) => l.eventMetadata.inferenceId));
    assert.equal(ids.size, lines.length, 'one line per captured request');
    for (const l of lines.slice(0, 50)) {
      const input = Buffer.from(l.captureData.endpointInput.data, 'base64').toString();
      assert.ok(rows.includes(input));
      const score = Number(Buffer.from(l.captureData.endpointOutput.data, 'base64').toString());
      assert.ok(score > 0 && score < 1);
      assert.ok(['VariantA', 'VariantB'].includes(l.eventMetadata.variant));
    }
  });
});
