import type { Db } from '../store/index.js';
import { decodeHistogram, newHistogram, type Histogram } from './histogram.js';
import type { MetricsRecorder } from './recorder.js';

export const SAGEMAKER_NAMESPACE = 'AWS/SageMaker';
export const SAGEMAKER_METRICS = ['Invocations', 'InvocationsPerInstance', 'ModelLatency', 'OverheadLatency', 'Invocation4XXErrors', 'Invocation5XXErrors', 'ModelSetupTime'] as const;
export type Statistic = 'Sum' | 'Average' | 'Minimum' | 'Maximum' | 'SampleCount';

export interface Dimension {
  Name: string;
  Value: string;
}

export interface StatisticsRequest {
  namespace: string;
  metric: string;
  dimensions: Dimension[];
  /** Epoch milliseconds, [start, end). */
  start: number;
  end: number;
  /** Seconds, a multiple of 60. */
  period: number;
  statistics: Statistic[];
  /** e.g. ["p50", "p99", "p99.9"] */
  extended: string[];
}

export interface Datapoint {
  Timestamp: number;
  SampleCount?: number;
  Sum?: number;
  Average?: number;
  Minimum?: number;
  Maximum?: number;
  ExtendedStatistics?: Record<string, number>;
  Unit: string;
}

/** Aggregate over a set of rows of one period. */
interface Agg {
  count: number;
  sum: number;
  min: number;
  max: number;
  hist: Histogram | null;
}

interface DeltaRow {
  variant: string;
  minute: number;
  invocations: number;
  err4xx: number;
  err5xx: number;
  model_sum: number;
  model_min: number;
  model_max: number;
  overhead_sum: number;
  overhead_min: number;
  overhead_max: number;
  model_hist: string;
  overhead_hist: string;
}

export function parsePercentile(stat: string): number | undefined {
  const m = /^p(\d{1,2}(\.\d{1,10})?|100)$/.exec(stat);
  if (!m) return undefined;
  const p = Number(m[1]);
  return p >= 0 && p <= 100 ? p : undefined;
}

function dim(dims: Dimension[], name: string): string | undefined {
  return dims.find((d) => d.Name === name)?.Value;
}

/**
 * Answers CloudWatch-style statistics from the recorder's stored and unflushed deltas (AWS/SageMaker)
 * and from data put with PutMetricData (any other namespace).
 */
export class MetricsQuery {
  constructor(
    private readonly db: Db,
    private readonly recorder: MetricsRecorder,
    /** Instance count per endpoint variant (for InvocationsPerInstance) and setup time (ModelSetupTime). */
    private readonly info: { instances(endpoint: string, variant: string): number; setupTimeMs(endpoint: string): number | undefined },
  ) {}

  async statistics(req: StatisticsRequest): Promise<Datapoint[]> {
    return req.namespace === SAGEMAKER_NAMESPACE ? this.sagemaker(req) : this.custom(req);
  }

  private async sagemakerRows(endpoint: string, variant: string | undefined, startMinute: number, endMinute: number): Promise<DeltaRow[]> {
    const rows = variant
      ? await this.db.all<DeltaRow>('SELECT * FROM metrics_deltas WHERE endpoint = ? AND variant = ? AND minute >= ? AND minute < ?', [endpoint, variant, startMinute, endMinute])
      : await this.db.all<DeltaRow>('SELECT * FROM metrics_deltas WHERE endpoint = ? AND minute >= ? AND minute < ?', [endpoint, startMinute, endMinute]);
    for (const p of this.recorder.unflushed(endpoint)) {
      if ((variant && p.variant !== variant) || p.minute < startMinute || p.minute >= endMinute) continue;
      rows.push({
        variant: p.variant,
        minute: p.minute,
        invocations: p.invocations,
        err4xx: p.err4xx,
        err5xx: p.err5xx,
        model_sum: p.modelSum,
        model_min: p.modelMin,
        model_max: p.modelMax,
        overhead_sum: p.overheadSum,
        overhead_min: p.overheadMin,
        overhead_max: p.overheadMax,
        model_hist: '',
        overhead_hist: '',
        ...{ _model: p.model, _overhead: p.overhead },
      } as DeltaRow);
    }
    return rows;
  }

  private async sagemaker(req: StatisticsRequest): Promise<Datapoint[]> {
    const endpoint = dim(req.dimensions, 'EndpointName');
    if (!endpoint) return [];
    const variant = dim(req.dimensions, 'VariantName');
    const periodMin = req.period / 60;
    const startMinute = Math.floor(req.start / 60_000);
    const endMinute = Math.ceil(req.end / 60_000);
    if (req.metric === 'ModelSetupTime') {
      const ms = this.info.setupTimeMs(endpoint);
      if (ms === undefined) return [];
      const us = ms * 1000;
      return [this.point(Math.max(startMinute, Math.floor(Date.now() / 60_000)) * 60_000, { count: 1, sum: us, min: us, max: us, hist: null }, req, 'Microseconds')];
    }
    const rows = await this.sagemakerRows(endpoint, variant, startMinute, endMinute);
    const periods = new Map<number, Agg>();
    const latency = req.metric === 'ModelLatency' || req.metric === 'OverheadLatency';
    for (const r of rows) {
      const p = startMinute + Math.floor((r.minute - startMinute) / periodMin) * periodMin;
      let a = periods.get(p);
      if (!a) {
        a = { count: 0, sum: 0, min: Infinity, max: -Infinity, hist: null };
        periods.set(p, a);
      }
      if (latency) {
        const model = req.metric === 'ModelLatency';
        a.count += r.invocations;
        a.sum += model ? r.model_sum : r.overhead_sum;
        a.min = Math.min(a.min, model ? r.model_min : r.overhead_min);
        a.max = Math.max(a.max, model ? r.model_max : r.overhead_max);
        if (req.extended.length) {
          a.hist ??= newHistogram();
          const live = (r as unknown as { _model?: Histogram; _overhead?: Histogram })[model ? '_model' : '_overhead'];
          a.hist.add(live ?? decodeHistogram(model ? r.model_hist : r.overhead_hist));
        }
      } else {
        const count =
          req.metric === 'Invocation4XXErrors' ? r.err4xx : req.metric === 'Invocation5XXErrors' ? r.err5xx : req.metric === 'InvocationsPerInstance' ? r.invocations / Math.max(1, this.info.instances(endpoint, r.variant)) : r.invocations;
        a.count += r.invocations;
        a.sum += count;
        a.min = Math.min(a.min, req.metric.endsWith('Errors') ? (count < r.invocations ? 0 : 1) : 1);
        a.max = Math.max(a.max, req.metric.endsWith('Errors') ? (count > 0 ? 1 : 0) : 1);
      }
    }
    const unit = latency ? 'Microseconds' : req.metric === 'Invocations' || req.metric === 'InvocationsPerInstance' ? 'None' : 'None';
    return [...periods.entries()].sort((a, b) => a[0] - b[0]).map(([minute, a]) => this.point(minute * 60_000, a, req, unit));
  }

  private point(timestamp: number, a: Agg, req: StatisticsRequest, unit: string): Datapoint {
    const d: Datapoint = { Timestamp: timestamp, Unit: unit };
    for (const s of req.statistics) {
      if (s === 'SampleCount') d.SampleCount = a.count;
      else if (s === 'Sum') d.Sum = a.sum;
      else if (s === 'Average') d.Average = a.count ? a.sum / a.count : 0;
      else if (s === 'Minimum') d.Minimum = a.min === Infinity ? 0 : a.min;
      else if (s === 'Maximum') d.Maximum = a.max === -Infinity ? 0 : a.max;
    }
    if (req.extended.length) {
      d.ExtendedStatistics = {};
      for (const e of req.extended) {
        const p = parsePercentile(e)!;
        d.ExtendedStatistics[e] = a.hist && a.hist.totalCount ? a.hist.getValueAtPercentile(p) : 0;
      }
    }
    return d;
  }

  private async custom(req: StatisticsRequest): Promise<Datapoint[]> {
    const key = dimsKey(req.dimensions);
    const rows = await this.db.all<{ ts: number; sample_count: number; sum: number; min: number; max: number; unit: string | null }>(
      'SELECT ts, sample_count, sum, min, max, unit FROM metrics_custom WHERE namespace = ? AND metric = ? AND dims = ? AND ts >= ? AND ts < ?',
      [req.namespace, req.metric, key, req.start, req.end],
    );
    const periodMs = req.period * 1000;
    const periods = new Map<number, Agg & { values: number[]; unit: string }>();
    for (const r of rows) {
      const p = req.start + Math.floor((Number(r.ts) - req.start) / periodMs) * periodMs;
      let a = periods.get(p);
      if (!a) {
        a = { count: 0, sum: 0, min: Infinity, max: -Infinity, hist: null, values: [], unit: r.unit ?? 'None' };
        periods.set(p, a);
      }
      a.count += r.sample_count;
      a.sum += r.sum;
      a.min = Math.min(a.min, r.min);
      a.max = Math.max(a.max, r.max);
      if (r.sample_count === 1) a.values.push(r.sum);
    }
    return [...periods.entries()].sort((x, y) => x[0] - y[0]).map(([t, a]) => {
      const d = this.point(t, a, { ...req, extended: [] }, a.unit);
      if (req.extended.length) {
        const sorted = a.values.sort((x, y) => x - y);
        d.ExtendedStatistics = {};
        for (const e of req.extended) {
          const p = parsePercentile(e)!;
          d.ExtendedStatistics[e] = sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] : 0;
        }
      }
      return d;
    });
  }

  async putCustom(namespace: string, metric: string, dimensions: Dimension[], ts: number, stats: { count: number; sum: number; min: number; max: number }, unit?: string): Promise<void> {
    await this.db.run('INSERT INTO metrics_custom (namespace, metric, dims, ts, sample_count, sum, min, max, unit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
      namespace,
      metric,
      dimsKey(dimensions),
      ts,
      stats.count,
      stats.sum,
      stats.min,
      stats.max,
      unit ?? null,
    ]);
  }

  /** Metrics that exist, for ListMetrics. */
  async list(): Promise<{ Namespace: string; MetricName: string; Dimensions: Dimension[] }[]> {
    const out: { Namespace: string; MetricName: string; Dimensions: Dimension[] }[] = [];
    const pairs = await this.db.all<{ endpoint: string; variant: string }>('SELECT DISTINCT endpoint, variant FROM metrics_deltas');
    const seen = new Set(pairs.map((p) => `${p.endpoint}\0${p.variant}`));
    for (const s of this.recorder.allSlots()) seen.add(`${s.endpoint}\0${s.variant}`);
    for (const k of [...seen].sort()) {
      const [endpoint, variant] = k.split('\0');
      for (const m of SAGEMAKER_METRICS) out.push({ Namespace: SAGEMAKER_NAMESPACE, MetricName: m, Dimensions: [{ Name: 'EndpointName', Value: endpoint }, { Name: 'VariantName', Value: variant }] });
    }
    const custom = await this.db.all<{ namespace: string; metric: string; dims: string }>('SELECT DISTINCT namespace, metric, dims FROM metrics_custom ORDER BY namespace, metric');
    for (const c of custom) out.push({ Namespace: c.namespace, MetricName: c.metric, Dimensions: JSON.parse(c.dims) });
    return out;
  }
}

/** Dimensions in a canonical order, as stored. */
export function dimsKey(dims: Dimension[]): string {
  return JSON.stringify([...dims].sort((a, b) => a.Name.localeCompare(b.Name)).map((d) => ({ Name: d.Name, Value: d.Value })));
}
