/**
 * The one persistence interface every domain folder writes through. Two implementations share it:
 * SQLite (embedded default, better-sqlite3) and PostgreSQL (pg). Domains own their tables and pass
 * their schema as migrations; SQL is written in the portable subset both engines accept:
 * `?` placeholders (rewritten to $1..$n for PostgreSQL), TEXT / BIGINT / DOUBLE PRECISION columns,
 * BLOB for bytes (in capitals: PostgreSQL gets BYTEA), JSON stored as TEXT, `INSERT ... ON CONFLICT (...) DO UPDATE/NOTHING`, no AUTOINCREMENT.
 */
export type SqlValue = string | number | bigint | null | Buffer;
export type Row = Record<string, unknown>;

export interface Migration {
  /** Unique id, e.g. "registry-001-models". Applied once, in the order registered. */
  id: string;
  /** One or more statements separated by semicolons. */
  sql: string;
}

export interface Db {
  readonly dialect: 'sqlite' | 'postgres';
  /** Applies migrations that have not been applied yet (idempotent; safe to call at every start). */
  migrate(migrations: readonly Migration[]): Promise<void>;
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  all<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** Runs fn inside one transaction; the tx handle must be used for every statement in it. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** Subscribe to change notifications on a channel (PostgreSQL LISTEN/NOTIFY; in-process for SQLite). */
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}
