import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../../src/store/index.js';
import { freshPostgres, freshSqlite } from '../helpers/db.js';

const migrations = [
  { id: 'test-001', sql: 'CREATE TABLE items (id TEXT PRIMARY KEY, n BIGINT NOT NULL, x DOUBLE PRECISION, blob BLOB)' },
  { id: 'test-002', sql: 'CREATE INDEX items_n ON items (n); ALTER TABLE items ADD COLUMN note TEXT' },
];

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`store on ${engine}`, () => {
    let db: Db;
    let cleanup: () => Promise<void>;
    before(async () => {
      const s = engine === 'sqlite' ? await freshSqlite() : await freshPostgres();
      db = s.db;
      cleanup = s.cleanup;
      await db.migrate(migrations);
      await db.migrate(migrations); // applying twice is a no-op
    });
    after(async () => cleanup());

    it('round-trips values of every column type', async () => {
      const big = 2 ** 50 + 3;
      await db.run('INSERT INTO items (id, n, x, blob, note) VALUES (?, ?, ?, ?, ?)', ['a', big, 0.1, Buffer.from([1, 2, 255]), null]);
      const row = await db.get<{ id: string; n: number; x: number; blob: Buffer; note: string | null }>('SELECT * FROM items WHERE id = ?', ['a']);
      assert.equal(row?.n, big);
      assert.equal(row?.x, 0.1);
      assert.deepEqual([...row!.blob], [1, 2, 255]);
      assert.equal(row?.note, null);
    });

    it('upserts with ON CONFLICT and counts changes', async () => {
      const sql = 'INSERT INTO items (id, n) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET n = items.n + excluded.n';
      await db.run(sql, ['u', 1]);
      const res = await db.run(sql, ['u', 5]);
      assert.equal(res.changes, 1);
      assert.equal((await db.get<{ n: number }>('SELECT n FROM items WHERE id = ?', ['u']))?.n, 6);
    });

    it('rolls a failed transaction back completely', async () => {
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.run('INSERT INTO items (id, n) VALUES (?, ?)', ['t1', 1]);
          await tx.run('INSERT INTO items (id, n) VALUES (?, ?)', ['t1', 2]); // duplicate key
        }),
      );
      assert.equal(await db.get('SELECT id FROM items WHERE id = ?', ['t1']), undefined);
    });

    it('keeps statements issued outside a transaction out of it', async () => {
      const outside = db.run('INSERT INTO items (id, n) VALUES (?, ?)', ['outside', 1]);
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.run('INSERT INTO items (id, n) VALUES (?, ?)', ['inside', 1]);
          await new Promise((r) => setTimeout(r, 20));
          throw new Error('abort');
        }),
      );
      await outside;
      assert.ok(await db.get('SELECT id FROM items WHERE id = ?', ['outside']));
      assert.equal(await db.get('SELECT id FROM items WHERE id = ?', ['inside']), undefined);
    });

    it('delivers notifications to listeners', async () => {
      const got: string[] = [];
      const stop = await db.listen('config-changed', (p) => got.push(p));
      await db.notify('config-changed', 'endpoint-1');
      for (let i = 0; i < 50 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      await stop();
      assert.deepEqual(got, ['endpoint-1']);
    });
  });
}
