/** Phase 4: per-variant invocations and latency from the CloudWatch API. */
import { GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { cloudwatch, names } from './common.js';

const endTime = new Date(Date.now() + 60_000);
const startTime = new Date(Date.now() - 3_600_000);

for (const variant of ['VariantA', 'VariantB']) {
  const dimensions = [
    { Name: 'EndpointName', Value: names.endpoint },
    { Name: 'VariantName', Value: variant },
  ];
  const invocations = await cloudwatch.send(new GetMetricStatisticsCommand({
    Namespace: 'AWS/SageMaker', MetricName: 'Invocations', Dimensions: dimensions,
    StartTime: startTime, EndTime: endTime, Period: 300, Statistics: ['Sum'],
  }));
  const latency = await cloudwatch.send(new GetMetricStatisticsCommand({
    Namespace: 'AWS/SageMaker', MetricName: 'ModelLatency', Dimensions: dimensions,
    StartTime: startTime, EndTime: endTime, Period: 300, Statistics: ['Average', 'Maximum', 'Minimum'],
  }));
  const total = (invocations.Datapoints ?? []).reduce((s, d) => s + (d.Sum ?? 0), 0);
  const points = latency.Datapoints ?? [];
  const count = points.length;
  const avg = count ? points.reduce((s, d) => s + (d.Average ?? 0), 0) / count : NaN;
  const max = Math.max(...points.map((d) => d.Maximum ?? -Infinity));
  const min = Math.min(...points.map((d) => d.Minimum ?? Infinity));
  console.log(`${variant}: ${total} invocations; ModelLatency avg ${avg.toFixed(0)} us, min ${min} us, max ${max} us`);
}
