import type { Migration } from '../store/index.js';

export const EXPERIMENT_MIGRATIONS: Migration[] = [
  {
    id: 'experiments-002-rollouts',
    sql: `
      CREATE TABLE IF NOT EXISTS exp_rollouts (
        endpoint TEXT PRIMARY KEY,
        policy TEXT NOT NULL,
        state TEXT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS exp_events (
        endpoint TEXT NOT NULL,
        at BIGINT NOT NULL,
        kind TEXT NOT NULL,
        message TEXT NOT NULL,
        data TEXT
      );
      CREATE INDEX IF NOT EXISTS exp_events_endpoint ON exp_events (endpoint, at);
      CREATE TABLE IF NOT EXISTS exp_bandits (
        endpoint TEXT PRIMARY KEY,
        config TEXT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
  },
];
