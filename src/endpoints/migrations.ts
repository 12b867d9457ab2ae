import type { Migration } from '../store/index.js';

export const ENDPOINT_MIGRATIONS: Migration[] = [
  {
    id: 'endpoints-001-tables',
    sql: `
      CREATE TABLE IF NOT EXISTS ep_models (
        name TEXT PRIMARY KEY,
        record TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS ep_configs (
        name TEXT PRIMARY KEY,
        record TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS ep_endpoints (
        name TEXT PRIMARY KEY,
        record TEXT NOT NULL,
        deployed TEXT NOT NULL,
        sticky BLOB,
        updated_at BIGINT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS ep_weight_history (
        endpoint TEXT NOT NULL,
        at BIGINT NOT NULL,
        weights TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS ep_weight_history_endpoint ON ep_weight_history (endpoint, at)`,
  },
];
