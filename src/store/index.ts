import { join } from 'node:path';
import type { Db } from './db.js';
import { SqliteDb } from './sqlite.js';
import { PostgresDb } from './postgres.js';

export type { Db, Migration, Row, SqlValue } from './db.js';

export type StoreOptions =
  /** Embedded default: <dataDir>/splitserve.db */
  | { dataDir: string }
  /** A SQLite file path, or ':memory:'. */
  | { sqliteFile: string }
  /** postgres://user@host:port/db, optionally in a schema of its own. */
  | { url: string; schema?: string };

/** Opens the store: SQLite by default, PostgreSQL when given a postgres:// URL. */
export async function openDb(options: StoreOptions): Promise<Db> {
  if ('url' in options) {
    if (!/^postgres(ql)?:\/\//.test(options.url)) {
      throw new Error(`unsupported store URL "${options.url}" (expected postgres://...)`);
    }
    return PostgresDb.open({ url: options.url, schema: options.schema });
  }
  const file = 'dataDir' in options ? join(options.dataDir, 'splitserve.db') : options.sqliteFile;
  return SqliteDb.open(file);
}

/** The store a server uses: SPLITSERVE_DATABASE_URL (PostgreSQL) when set, else SQLite in the data dir. */
export function storeOptionsFromEnv(dataDir: string, env: NodeJS.ProcessEnv = process.env): StoreOptions {
  const url = env.SPLITSERVE_DATABASE_URL;
  return url ? { url } : { dataDir };
}
