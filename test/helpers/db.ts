import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDb, type Db } from '../../src/store/index.js';

export const POSTGRES_URL = process.env.SPLITSERVE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh SQLite store in its own temp dir. */
export async function freshSqlite(): Promise<{ db: Db; dir: string; cleanup: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'splitserve-test-'));
  const db = await openDb({ dataDir: dir });
  return {
    db,
    dir,
    cleanup: async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh PostgreSQL schema of its own in the test database, dropped on cleanup. */
export async function freshPostgres(): Promise<{ db: Db; schema: string; cleanup: () => Promise<void> }> {
  const schema = 't_' + randomBytes(6).toString('hex');
  const db = await openDb({ url: POSTGRES_URL, schema });
  return {
    db,
    schema,
    cleanup: async () => {
      await db.close();
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}
