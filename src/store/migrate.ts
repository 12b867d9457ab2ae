import type { Db, Migration } from './db.js';

const TABLE = 'splitserve_migrations';

/**
 * Applies the migrations not yet recorded, inside the caller's transaction. `execScript` runs a
 * multi-statement script on the same connection.
 */
export async function applyMigrations(
  tx: Db,
  migrations: readonly Migration[],
  execScript: (sql: string) => unknown,
): Promise<void> {
  await execScript(`CREATE TABLE IF NOT EXISTS ${TABLE} (id TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`);
  const done = new Set((await tx.all<{ id: string }>(`SELECT id FROM ${TABLE}`)).map((r) => r.id));
  const seen = new Set<string>();
  for (const m of migrations) {
    if (seen.has(m.id)) throw new Error(`migration id ${m.id} is listed twice`);
    seen.add(m.id);
    if (done.has(m.id)) continue;
    await execScript(tx.dialect === 'postgres' ? toPostgres(m.sql) : m.sql);
    await tx.run(`INSERT INTO ${TABLE} (id, applied_at) VALUES (?, ?)`, [m.id, Date.now()]);
  }
}

/** The few spellings that differ between the engines in DDL. */
function toPostgres(sql: string): string {
  return sql.replace(/\bBLOB\b/g, 'BYTEA'); // the type, written in capitals (column names are lowercase)
}
