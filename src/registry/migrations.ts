import type { Migration } from '../store/index.js';

export const REGISTRY_MIGRATIONS: Migration[] = [
  {
    id: 'registry-001-models',
    sql: `CREATE TABLE IF NOT EXISTS registry_models (
      name TEXT NOT NULL,
      version BIGINT NOT NULL,
      framework TEXT NOT NULL,
      sha256 TEXT NOT NULL,
      size_bytes BIGINT NOT NULL,
      hyperparameters TEXT NOT NULL,
      feature_schema TEXT,
      data_fingerprint TEXT,
      metrics TEXT,
      parent_version BIGINT,
      source TEXT,
      created_at BIGINT NOT NULL,
      PRIMARY KEY (name, version)
    )`,
  },
  {
    // Artifact bytes also live in the store, so replicas sharing a PostgreSQL store need no shared disk.
    id: 'registry-002-artifact-bytes',
    sql: `CREATE TABLE IF NOT EXISTS registry_artifacts (
      sha256 TEXT PRIMARY KEY,
      bytes BLOB NOT NULL
    )`,
  },
];
