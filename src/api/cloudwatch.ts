import { z } from 'zod';
import type { App } from '../app.js';
import { parsePercentile, SAGEMAKER_NAMESPACE, type AlarmDefinition, type Datapoint, type Statistic } from '../metrics/index.js';
import { AwsError } from './aws-errors.js';

/** Operations work on plain objects with timestamps in epoch milliseconds; the protocol layers convert. */
export type CloudWatchOperation = (input: Record<string, unknown>) => Promise<Record<string, unknown>>;

const dimension = z.object({ Name: z.string().min(1).max(255), Value: z.string().min(1).max(1024) });
const STATISTICS = ['Sum', 'Average', 'Minimum', 'Maximum', 'SampleCount'] as const;

function invalid(message: string): AwsError {
  return new AwsError('InvalidParameterValue', message);
}

function missing(name: string): AwsError {
  return new AwsError('MissingParameter', `The parameter ${name} is required.`);
}

function requireFields(input: Record<string, unknown>, names: string[]): void {
  for (const n of names) if (input[n] === undefined || input[n] === null || input[n] === '') throw missing(n);
}

function toMs(v: unknown, name: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : v instanceof Date ? v.getTime() : Number.NaN;
  if (!Number.isFinite(n)) throw invalid(`The parameter ${name} must be a timestamp.`);
  return n;
}

function datapointsOut(points: Datapoint[]) {
  return points.map((p) => ({ ...p, Timestamp: p.Timestamp }));
}

function zodMessage(err: z.ZodError): string {
  return err.issues.map((i) => `The parameter ${i.path.join('.')} ${i.message}`).join('; ');
}

async function statistics(app: App, input: Record<string, unknown>) {
  requireFields(input, ['Namespace', 'MetricName', 'StartTime', 'EndTime', 'Period']);
  const stats = (input.Statistics as unknown[] | undefined) ?? [];
  const extended = (input.ExtendedStatistics as unknown[] | undefined) ?? [];
  if (!stats.length && !extended.length) throw missing('Statistics or ExtendedStatistics');
  for (const s of stats) if (!STATISTICS.includes(s as Statistic)) throw invalid(`The parameter Statistics.member.1 must be a value in the set [ Average, Sum, SampleCount, Maximum, Minimum ].`);
  for (const e of extended) if (typeof e !== 'string' || parsePercentile(e) === undefined) throw invalid(`The parameter ExtendedStatistics "${String(e)}" must be a percentile such as p99 or p99.9.`);
  const period = Number(input.Period);
  if (!Number.isInteger(period) || period < 1) throw invalid('The parameter Period must be a positive whole number of seconds.');
  if (period % 60 !== 0) throw invalid('The parameter Period must be a multiple of 60.');
  const dims = z.array(dimension).max(30).safeParse(input.Dimensions ?? []);
  if (!dims.success) throw invalid(zodMessage(dims.error));
  const start = toMs(input.StartTime, 'StartTime');
  const end = toMs(input.EndTime, 'EndTime');
  if (end <= start) throw invalid('The parameter StartTime must be less than the parameter EndTime.');
  if ((end - start) / (period * 1000) > 1440) throw new AwsError('InvalidParameterCombination', `You have requested up to ${Math.ceil((end - start) / (period * 1000))} datapoints, which exceeds the limit of 1440.`);
  return app.metrics.statistics({ namespace: String(input.Namespace), metric: String(input.MetricName), dimensions: dims.data, start, end, period, statistics: stats as Statistic[], extended: extended as string[] });
}

export function cloudwatchOperations(app: App): Record<string, CloudWatchOperation> {
  return {
    async GetMetricStatistics(input) {
      const points = await statistics(app, input);
      return { Label: String(input.MetricName), Datapoints: datapointsOut(points) };
    },
    async GetMetricData(input) {
      requireFields(input, ['MetricDataQueries', 'StartTime', 'EndTime']);
      const queries = input.MetricDataQueries as Record<string, any>[];
      if (!Array.isArray(queries) || !queries.length) throw missing('MetricDataQueries');
      const results = [];
      for (const q of queries) {
        if (q.Expression) throw invalid(`Metric math expressions are not supported (query "${q.Id}"); use MetricStat queries.`);
        const ms = q.MetricStat;
        if (!ms?.Metric?.MetricName || !ms?.Stat || !ms?.Period) throw missing(`MetricDataQueries.member.${q.Id}.MetricStat`);
        const stat = String(ms.Stat);
        const isPct = parsePercentile(stat) !== undefined;
        const points = await statistics(app, {
          Namespace: ms.Metric.Namespace,
          MetricName: ms.Metric.MetricName,
          Dimensions: ms.Metric.Dimensions ?? [],
          StartTime: input.StartTime,
          EndTime: input.EndTime,
          Period: ms.Period,
          ...(isPct ? { ExtendedStatistics: [stat] } : { Statistics: [stat] }),
        });
        const ordered = (input.ScanBy ?? 'TimestampDescending') === 'TimestampDescending' ? [...points].reverse() : points;
        if (q.ReturnData === false || q.ReturnData === 'false') continue;
        results.push({
          Id: q.Id,
          Label: q.Label ?? ms.Metric.MetricName,
          Timestamps: ordered.map((p) => p.Timestamp),
          Values: ordered.map((p) => (isPct ? p.ExtendedStatistics![stat] : (p[stat as keyof Datapoint] as number))),
          StatusCode: 'Complete',
        });
      }
      return { MetricDataResults: results, Messages: [] };
    },
    async ListMetrics(input) {
      const all = await app.metrics.list();
      const dims = (input.Dimensions as { Name: string; Value?: string }[] | undefined) ?? [];
      const metrics = all.filter(
        (m) =>
          (!input.Namespace || m.Namespace === input.Namespace) &&
          (!input.MetricName || m.MetricName === input.MetricName) &&
          dims.every((d) => m.Dimensions.some((x) => x.Name === d.Name && (d.Value === undefined || x.Value === d.Value))),
      );
      return { Metrics: metrics };
    },
    async PutMetricData(input) {
      requireFields(input, ['Namespace', 'MetricData']);
      const ns = String(input.Namespace);
      if (ns.startsWith('AWS/')) throw invalid(`The value AWS/ for parameter Namespace is invalid: namespaces starting with "AWS/" are reserved.`);
      const data = input.MetricData as Record<string, any>[];
      if (!Array.isArray(data) || data.length === 0) throw missing('MetricData');
      if (data.length > 1000) throw invalid('The collection MetricData must not have more than 1000 members.');
      const now = Date.now();
      const rows: { metric: string; dims: { Name: string; Value: string }[]; ts: number; stats: { count: number; sum: number; min: number; max: number }; unit?: string }[] = [];
      data.forEach((d, i) => {
        if (!d.MetricName) throw missing(`MetricData.member.${i + 1}.MetricName`);
        const dims = z.array(dimension).max(30).safeParse(d.Dimensions ?? []);
        if (!dims.success) throw invalid(zodMessage(dims.error));
        const ts = d.Timestamp !== undefined ? toMs(d.Timestamp, `MetricData.member.${i + 1}.Timestamp`) : now;
        const num = (v: unknown, name: string) => {
          const n = Number(v);
          if (!Number.isFinite(n)) throw invalid(`The parameter MetricData.member.${i + 1}.${name} must be a number.`);
          return n;
        };
        if (d.StatisticValues) {
          const s = d.StatisticValues;
          rows.push({ metric: d.MetricName, dims: dims.data, ts, stats: { count: num(s.SampleCount, 'StatisticValues.SampleCount'), sum: num(s.Sum, 'StatisticValues.Sum'), min: num(s.Minimum, 'StatisticValues.Minimum'), max: num(s.Maximum, 'StatisticValues.Maximum') }, unit: d.Unit });
        } else if (Array.isArray(d.Values)) {
          (d.Values as unknown[]).forEach((v, k) => {
            const value = num(v, `Values.member.${k + 1}`);
            const count = Array.isArray(d.Counts) ? num(d.Counts[k], `Counts.member.${k + 1}`) : 1;
            rows.push({ metric: d.MetricName, dims: dims.data, ts, stats: { count, sum: value * count, min: value, max: value }, unit: d.Unit });
          });
        } else {
          if (d.Value === undefined) throw missing(`MetricData.member.${i + 1}.Value`);
          const value = num(d.Value, 'Value');
          rows.push({ metric: d.MetricName, dims: dims.data, ts, stats: { count: 1, sum: value, min: value, max: value }, unit: d.Unit });
        }
      });
      for (const r of rows) await app.metrics.putCustom(ns, r.metric, r.dims, r.ts, r.stats, r.unit);
      return {};
    },
    async PutMetricAlarm(input) {
      requireFields(input, ['AlarmName', 'MetricName', 'Namespace', 'Period', 'EvaluationPeriods', 'Threshold', 'ComparisonOperator']);
      if (!input.Statistic && !input.ExtendedStatistic) throw missing('Statistic or ExtendedStatistic');
      const ops = ['GreaterThanOrEqualToThreshold', 'GreaterThanThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold'];
      if (!ops.includes(String(input.ComparisonOperator))) throw invalid(`The parameter ComparisonOperator must be one of ${ops.join(', ')}.`);
      if (input.Statistic && !STATISTICS.includes(input.Statistic as Statistic)) throw invalid('The parameter Statistic must be a value in the set [ Average, Sum, SampleCount, Maximum, Minimum ].');
      if (input.ExtendedStatistic && parsePercentile(String(input.ExtendedStatistic)) === undefined) throw invalid('The parameter ExtendedStatistic must be a percentile such as p99.');
      const period = Number(input.Period);
      if (!Number.isInteger(period) || period < 60 || period % 60 !== 0) throw invalid('The parameter Period must be a multiple of 60 seconds.');
      const def: AlarmDefinition = {
        AlarmName: String(input.AlarmName),
        AlarmDescription: input.AlarmDescription as string | undefined,
        Namespace: String(input.Namespace),
        MetricName: String(input.MetricName),
        Dimensions: (input.Dimensions as AlarmDefinition['Dimensions']) ?? [],
        Statistic: input.Statistic as Statistic | undefined,
        ExtendedStatistic: input.ExtendedStatistic as string | undefined,
        Period: period,
        EvaluationPeriods: Number(input.EvaluationPeriods),
        DatapointsToAlarm: input.DatapointsToAlarm !== undefined ? Number(input.DatapointsToAlarm) : undefined,
        Threshold: Number(input.Threshold),
        ComparisonOperator: input.ComparisonOperator as AlarmDefinition['ComparisonOperator'],
        TreatMissingData: input.TreatMissingData as AlarmDefinition['TreatMissingData'],
        ActionsEnabled: input.ActionsEnabled as boolean | undefined,
        Unit: input.Unit as string | undefined,
      };
      if (!Number.isInteger(def.EvaluationPeriods) || def.EvaluationPeriods < 1) throw invalid('The parameter EvaluationPeriods must be at least 1.');
      if (!Number.isFinite(def.Threshold)) throw invalid('The parameter Threshold must be a number.');
      await app.alarms.put(def);
      return {};
    },
    async DescribeAlarms(input) {
      const alarms = await app.alarms.describe(input.AlarmNames as string[] | undefined, input.AlarmNamePrefix as string | undefined, input.StateValue as never);
      return { MetricAlarms: alarms.map((a) => ({ ...a, StateUpdatedTimestamp: a.StateUpdatedTimestamp, AlarmConfigurationUpdatedTimestamp: a.AlarmConfigurationUpdatedTimestamp })), CompositeAlarms: [] };
    },
    async DeleteAlarms(input) {
      const names = (input.AlarmNames as string[] | undefined) ?? [];
      if (!names.length) throw missing('AlarmNames');
      const notFound = await app.alarms.delete(names);
      if (notFound.length) throw new AwsError('ResourceNotFound', `Alarms not found: ${notFound.join(', ')}`, 404);
      return {};
    },
  };
}

/** Fields that are timestamps in CloudWatch shapes (converted between epoch ms and each protocol's form). */
export const TIMESTAMP_FIELDS = new Set(['Timestamp', 'StartTime', 'EndTime', 'StateUpdatedTimestamp', 'AlarmConfigurationUpdatedTimestamp']);
export { SAGEMAKER_NAMESPACE };
