import type { Db } from '../store/index.js';
import { parsePercentile, type Dimension, type MetricsQuery, type Statistic } from './query.js';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export type ComparisonOperator = 'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold';

export interface AlarmDefinition {
  AlarmName: string;
  AlarmDescription?: string;
  Namespace: string;
  MetricName: string;
  Dimensions: Dimension[];
  Statistic?: Statistic;
  ExtendedStatistic?: string;
  Period: number;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  Threshold: number;
  ComparisonOperator: ComparisonOperator;
  TreatMissingData?: 'breaching' | 'notBreaching' | 'ignore' | 'missing';
  ActionsEnabled?: boolean;
  Unit?: string;
}

export interface AlarmRecord extends AlarmDefinition {
  StateValue: AlarmState;
  StateReason: string;
  StateUpdatedTimestamp: number;
  AlarmConfigurationUpdatedTimestamp: number;
  AlarmArn: string;
}

function compare(op: ComparisonOperator, v: number, t: number): boolean {
  switch (op) {
    case 'GreaterThanOrEqualToThreshold':
      return v >= t;
    case 'GreaterThanThreshold':
      return v > t;
    case 'LessThanThreshold':
      return v < t;
    case 'LessThanOrEqualToThreshold':
      return v <= t;
  }
}

/** CloudWatch alarms on splitserve's metrics, evaluated periodically; rollouts read their state in process. */
export class Alarms {
  private timer: NodeJS.Timeout | null = null;
  private readonly states = new Map<string, AlarmState>();

  constructor(
    private readonly db: Db,
    private readonly query: MetricsQuery,
    private readonly now: () => number = Date.now,
  ) {}

  start(intervalMs = 10_000): void {
    this.timer = setInterval(() => void this.evaluateAll().catch(() => {}), intervalMs);
    this.timer.unref();
  }

  async put(def: AlarmDefinition): Promise<void> {
    const existing = await this.db.get<{ state: string; reason: string }>('SELECT state, reason FROM metrics_alarms WHERE name = ?', [def.AlarmName]);
    await this.db.run(
      `INSERT INTO metrics_alarms (name, definition, state, reason, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at`,
      [def.AlarmName, JSON.stringify({ ...def, configuredAt: this.now() }), existing?.state ?? 'INSUFFICIENT_DATA', existing?.reason ?? 'Unchecked: Initial alarm creation', this.now()],
    );
    await this.evaluate(def.AlarmName);
  }

  async describe(names?: string[], prefix?: string, state?: AlarmState): Promise<AlarmRecord[]> {
    const rows = await this.db.all<{ name: string; definition: string; state: AlarmState; reason: string; updated_at: number }>('SELECT * FROM metrics_alarms ORDER BY name');
    return rows
      .filter((r) => (!names?.length || names.includes(r.name)) && (!prefix || r.name.startsWith(prefix)) && (!state || r.state === state))
      .map((r) => {
        const def = JSON.parse(r.definition) as AlarmDefinition & { configuredAt: number };
        return {
          ...def,
          StateValue: r.state,
          StateReason: r.reason,
          StateUpdatedTimestamp: Number(r.updated_at),
          AlarmConfigurationUpdatedTimestamp: def.configuredAt,
          AlarmArn: `arn:aws:cloudwatch:${process.env.AWS_REGION ?? 'us-east-1'}:000000000000:alarm:${r.name}`,
        };
      });
  }

  async delete(names: string[]): Promise<string[]> {
    const missing: string[] = [];
    for (const n of names) {
      const res = await this.db.run('DELETE FROM metrics_alarms WHERE name = ?', [n]);
      if (res.changes === 0) missing.push(n);
      this.states.delete(n);
    }
    return missing;
  }

  /** The last evaluated state (in process, no I/O). */
  state(name: string): AlarmState | undefined {
    return this.states.get(name);
  }

  async evaluateAll(): Promise<void> {
    const rows = await this.db.all<{ name: string }>('SELECT name FROM metrics_alarms');
    for (const r of rows) await this.evaluate(r.name);
  }

  async evaluate(name: string): Promise<AlarmState | undefined> {
    const [alarm] = await this.describe([name]);
    if (!alarm) return undefined;
    const end = this.now();
    const start = end - alarm.EvaluationPeriods * alarm.Period * 1000;
    const extended = alarm.ExtendedStatistic && parsePercentile(alarm.ExtendedStatistic) !== undefined ? [alarm.ExtendedStatistic] : [];
    const points = await this.query.statistics({
      namespace: alarm.Namespace,
      metric: alarm.MetricName,
      dimensions: alarm.Dimensions,
      start,
      end,
      period: alarm.Period,
      statistics: alarm.Statistic ? [alarm.Statistic] : [],
      extended,
    });
    const values = points.map((p) => (extended.length ? p.ExtendedStatistics![extended[0]] : (p[alarm.Statistic! as keyof typeof p] as number)));
    const needed = alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods;
    const breaching = values.filter((v) => compare(alarm.ComparisonOperator, v, alarm.Threshold)).length;
    const missing = alarm.EvaluationPeriods - values.length;
    const treat = alarm.TreatMissingData ?? 'missing';
    let state: AlarmState;
    let reason: string;
    const countedBreaching = breaching + (treat === 'breaching' ? missing : 0);
    if (countedBreaching >= needed) {
      state = 'ALARM';
      reason = `Threshold Crossed: ${countedBreaching} out of the last ${alarm.EvaluationPeriods} datapoints [${values.map((v) => v.toFixed(3)).join(', ')}] were ${alarm.ComparisonOperator} the threshold (${alarm.Threshold}).`;
    } else if (values.length === 0 && treat === 'missing') {
      state = 'INSUFFICIENT_DATA';
      reason = `Insufficient Data: no datapoints in the last ${alarm.EvaluationPeriods} periods of ${alarm.Period} s.`;
    } else if (values.length === 0 && treat === 'ignore') {
      state = alarm.StateValue;
      reason = alarm.StateReason;
    } else {
      state = 'OK';
      reason = `Threshold Crossed: ${countedBreaching} out of the last ${alarm.EvaluationPeriods} datapoints were ${alarm.ComparisonOperator} the threshold (${alarm.Threshold}); ${needed} needed to alarm.`;
    }
    this.states.set(name, state);
    if (state !== alarm.StateValue) {
      await this.db.run('UPDATE metrics_alarms SET state = ?, reason = ?, updated_at = ? WHERE name = ?', [state, reason, this.now(), name]);
    }
    return state;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
