import pg from 'pg';
import type { Db, Migration, Row, SqlValue } from './db.js';
import { applyMigrations } from './migrate.js';

// BIGINT (int8) columns come back as numbers: our counters and epoch-millisecond times fit in 2^53.
pg.types.setTypeParser(20, (v: string) => Number(v));

type Queryable = pg.Pool | pg.PoolClient;

/** Rewrites the portable `?` placeholders to PostgreSQL's $1..$n (no `?` appears inside our SQL literals). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

const converted = new Map<string, string>();
function convert(sql: string): string {
  let out = converted.get(sql);
  if (out === undefined) {
    out = numbered(sql);
    converted.set(sql, out);
  }
  return out;
}

abstract class PgQueries {
  readonly dialect = 'postgres' as const;
  protected abstract target(): Queryable;

  async run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    const res = await this.target().query(convert(sql), params as unknown[]);
    return { changes: res.rowCount ?? 0 };
  }
  async all<T = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const res = await this.target().query(convert(sql), params as unknown[]);
    return res.rows as T[];
  }
  async get<T = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    const res = await this.target().query(convert(sql), params as unknown[]);
    return res.rows[0] as T | undefined;
  }
}

export interface PostgresOptions {
  url: string;
  /** A schema of our own (created if missing); lets tests and several deployments share one database. */
  schema?: string;
  max?: number;
}

export class PostgresDb extends PgQueries implements Db {
  private readonly listeners = new Map<string, Set<(payload: string) => void>>();
  private listenClient: pg.Client | null = null;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly options: PostgresOptions,
  ) {
    super();
  }

  static async open(options: PostgresOptions): Promise<PostgresDb> {
    const schema = options.schema;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
      throw new Error(`invalid PostgreSQL schema name "${schema}" (lowercase letters, digits, _)`);
    }
    if (schema) {
      const admin = new pg.Client({ connectionString: options.url });
      await admin.connect();
      try {
        await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      } finally {
        await admin.end();
      }
    }
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.max ?? 10,
      options: schema ? `-c search_path=${schema}` : undefined,
    });
    pool.on('error', () => {
      // An idle client lost its connection; the pool replaces it on next use.
    });
    const db = new PostgresDb(pool, options);
    await db.get('SELECT 1 AS ok');
    return db;
  }

  protected target(): Queryable {
    return this.pool;
  }

  private async withClient<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      return await fn(c);
    } finally {
      c.release();
    }
  }

  async migrate(migrations: readonly Migration[]): Promise<void> {
    await this.transaction(async (tx) => {
      // One replica migrates at a time.
      await tx.run('SELECT pg_advisory_xact_lock(727274)');
      await applyMigrations(tx, migrations, (sql) => tx.run(sql));
    });
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return this.withClient(async (client) => {
      await client.query('BEGIN');
      try {
        const out = await fn(new PgTx(client));
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
    });
  }

  async listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>> {
    const name = channelName(channel);
    if (!this.listenClient) {
      this.listenClient = new pg.Client({ connectionString: this.options.url });
      await this.listenClient.connect();
      this.listenClient.on('notification', (msg) => {
        const set = this.listeners.get(msg.channel);
        if (set) for (const cb of set) cb(msg.payload ?? '');
      });
      this.listenClient.on('error', () => {});
    }
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
      await this.listenClient.query(`LISTEN ${name}`);
    }
    set.add(onMessage);
    return async () => {
      set.delete(onMessage);
    };
  }

  async notify(channel: string, payload: string): Promise<void> {
    await this.pool.query('SELECT pg_notify($1, $2)', [channelName(channel), payload]);
  }

  async close(): Promise<void> {
    if (this.listenClient) await this.listenClient.end().catch(() => {});
    await this.pool.end();
  }
}

class PgTx extends PgQueries implements Db {
  constructor(private readonly client: pg.PoolClient) {
    super();
  }
  protected target(): Queryable {
    return this.client;
  }
  async migrate(migrations: readonly Migration[]): Promise<void> {
    await applyMigrations(this, migrations, (sql) => this.run(sql));
  }
  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return fn(this);
  }
  async listen(): Promise<() => Promise<void>> {
    throw new Error('listen is not available inside a transaction');
  }
  async notify(channel: string, payload: string): Promise<void> {
    await this.client.query('SELECT pg_notify($1, $2)', [channelName(channel), payload]);
  }
  async close(): Promise<void> {}
}

/** LISTEN channel names are identifiers: keep them to a safe lowercase form. */
function channelName(channel: string): string {
  return 'splitserve_' + channel.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}
