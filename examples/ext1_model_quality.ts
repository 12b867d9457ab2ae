/**
 * Extension 1: model quality. As in the seed, each prediction's correctness goes to CloudWatch as
 * ML/ModelQuality PredictionAccuracy per variant; splitserve also takes the ground truth itself
 * (by inference id) and joins it to the logged predictions.
 */
import { GetMetricStatisticsCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { cloudwatch, endpointUrl, loadState, names } from './common.js';

const predictions = loadState<{ inferenceId: string; variant: string; score: number; label: number }[]>('predictions');

for (let i = 0; i < predictions.length; i += 20) {
  await cloudwatch.send(new PutMetricDataCommand({
    Namespace: 'ML/ModelQuality',
    MetricData: predictions.slice(i, i + 20).map((p) => ({
      MetricName: 'PredictionAccuracy',
      Value: (p.score >= 0.5 ? 1 : 0) === p.label ? 1.0 : 0.0,
      Dimensions: [{ Name: 'VariantName', Value: p.variant }],
    })),
  }));
}

const feedback = await fetch(`${endpointUrl}/v1/endpoints/${names.endpoint}/feedback`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ items: predictions.map((p) => ({ inferenceId: p.inferenceId, label: p.label })) }),
});
if (!feedback.ok) throw new Error(`feedback: HTTP ${feedback.status} ${await feedback.text()}`);

for (const variant of ['VariantA', 'VariantB']) {
  const stats = await cloudwatch.send(new GetMetricStatisticsCommand({
    Namespace: 'ML/ModelQuality', MetricName: 'PredictionAccuracy',
    Dimensions: [{ Name: 'VariantName', Value: variant }],
    StartTime: new Date(Date.now() - 3_600_000), EndTime: new Date(Date.now() + 60_000), Period: 3600,
    Statistics: ['Average', 'SampleCount'],
  }));
  const point = stats.Datapoints?.[0];
  console.log(`${variant}: PredictionAccuracy ${point?.Average?.toFixed(3)} over ${point?.SampleCount} predictions`);
}
const quality = await (await fetch(`${endpointUrl}/v1/endpoints/${names.endpoint}/quality`)).json();
console.log('splitserve ground-truth join:', JSON.stringify(quality));
