import type { Migration } from '../store/index.js';

export const METRICS_MIGRATIONS: Migration[] = [
  {
    id: 'metrics-001-tables',
    sql: `
      CREATE TABLE IF NOT EXISTS metrics_deltas (
        endpoint TEXT NOT NULL,
        variant TEXT NOT NULL,
        minute BIGINT NOT NULL,
        shadow BIGINT NOT NULL,
        invocations BIGINT NOT NULL,
        err4xx BIGINT NOT NULL,
        err5xx BIGINT NOT NULL,
        model_sum DOUBLE PRECISION NOT NULL,
        model_min DOUBLE PRECISION NOT NULL,
        model_max DOUBLE PRECISION NOT NULL,
        overhead_sum DOUBLE PRECISION NOT NULL,
        overhead_min DOUBLE PRECISION NOT NULL,
        overhead_max DOUBLE PRECISION NOT NULL,
        model_hist TEXT NOT NULL,
        overhead_hist TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS metrics_deltas_lookup ON metrics_deltas (endpoint, variant, minute);
      CREATE TABLE IF NOT EXISTS metrics_custom (
        namespace TEXT NOT NULL,
        metric TEXT NOT NULL,
        dims TEXT NOT NULL,
        ts BIGINT NOT NULL,
        sample_count DOUBLE PRECISION NOT NULL,
        sum DOUBLE PRECISION NOT NULL,
        min DOUBLE PRECISION NOT NULL,
        max DOUBLE PRECISION NOT NULL,
        unit TEXT
      );
      CREATE INDEX IF NOT EXISTS metrics_custom_lookup ON metrics_custom (namespace, metric, ts);
      CREATE TABLE IF NOT EXISTS metrics_alarms (
        name TEXT PRIMARY KEY,
        definition TEXT NOT NULL,
        state TEXT NOT NULL,
        reason TEXT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
  },
];
