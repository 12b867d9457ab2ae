import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Db, Migration, Row, SqlValue } from './db.js';
import { applyMigrations } from './migrate.js';

type Statement = Database.Statement<unknown[], unknown>;

/**
 * SQLite behind the Db interface. better-sqlite3 is synchronous, so a transaction runs with the
 * connection reserved: statements from outside the transaction wait until it ends instead of
 * interleaving into it.
 */
export class SqliteDb implements Db {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, Statement>();
  private readonly events = new EventEmitter();
  private busy: Promise<void> | null = null;

  private constructor(private readonly db: Database.Database) {
    this.events.setMaxListeners(0);
  }

  static open(file: string): SqliteDb {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    return new SqliteDb(db);
  }

  private prepare(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  private async idle(): Promise<void> {
    while (this.busy) await this.busy;
  }

  async migrate(migrations: readonly Migration[]): Promise<void> {
    await this.transaction((tx) => applyMigrations(tx, migrations, (sql) => this.db.exec(sql)));
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    if (this.busy) await this.idle();
    return this.runNow(sql, params);
  }

  async all<T = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    if (this.busy) await this.idle();
    return this.prepare(sql).all(...params) as T[];
  }

  async get<T = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    if (this.busy) await this.idle();
    return this.prepare(sql).get(...params) as T | undefined;
  }

  private runNow(sql: string, params: readonly SqlValue[]): { changes: number } {
    const stmt = this.prepare(sql);
    if (!stmt.reader) return { changes: stmt.run(...params).changes };
    stmt.all(...params);
    return { changes: 0 };
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    await this.idle();
    let release!: () => void;
    this.busy = new Promise<void>((r) => (release = r));
    const tx = new SqliteTx(this, this.db);
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const out = await fn(tx);
      this.db.exec('COMMIT');
      return out;
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw err;
    } finally {
      tx.closed = true;
      this.busy = null;
      release();
    }
  }

  /** Used by SqliteTx: statements inside the open transaction skip the wait. */
  direct(sql: string): Statement {
    return this.prepare(sql);
  }

  async listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>> {
    this.events.on(channel, onMessage);
    return async () => {
      this.events.off(channel, onMessage);
    };
  }

  async notify(channel: string, payload: string): Promise<void> {
    this.events.emit(channel, payload);
  }

  async close(): Promise<void> {
    await this.idle();
    this.statements.clear();
    if (this.db.open) this.db.close();
  }
}

class SqliteTx implements Db {
  readonly dialect = 'sqlite' as const;
  closed = false;
  constructor(
    private readonly owner: SqliteDb,
    private readonly db: Database.Database,
  ) {}

  private check(): void {
    if (this.closed) throw new Error('transaction handle used after the transaction ended');
  }

  async migrate(migrations: readonly Migration[]): Promise<void> {
    this.check();
    await applyMigrations(this, migrations, (sql) => this.db.exec(sql));
  }
  async run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    this.check();
    const stmt = this.owner.direct(sql);
    if (!stmt.reader) return { changes: stmt.run(...params).changes };
    stmt.all(...params);
    return { changes: 0 };
  }
  async all<T = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    this.check();
    return this.owner.direct(sql).all(...params) as T[];
  }
  async get<T = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    this.check();
    return this.owner.direct(sql).get(...params) as T | undefined;
  }
  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    this.check();
    return fn(this);
  }
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>> {
    return this.owner.listen(channel, onMessage);
  }
  notify(channel: string, payload: string): Promise<void> {
    return this.owner.notify(channel, payload);
  }
  async close(): Promise<void> {}
}
