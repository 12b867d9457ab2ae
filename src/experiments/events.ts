import type { Db } from '../store/index.js';

export interface ExperimentEvent {
  endpoint: string;
  at: number;
  kind: string;
  message: string;
  data?: Record<string, unknown>;
}

/** The decision log: every rollout and bandit decision with its reason and numbers. */
export class EventLog {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  async add(endpoint: string, kind: string, message: string, data?: Record<string, unknown>): Promise<ExperimentEvent> {
    const e = { endpoint, at: this.now(), kind, message, data };
    await this.db.run('INSERT INTO exp_events (endpoint, at, kind, message, data) VALUES (?, ?, ?, ?, ?)', [endpoint, e.at, kind, message, data ? JSON.stringify(data) : null]);
    return e;
  }

  async list(endpoint: string, limit = 200): Promise<ExperimentEvent[]> {
    const rows = await this.db.all<{ endpoint: string; at: number; kind: string; message: string; data: string | null }>(
      'SELECT * FROM exp_events WHERE endpoint = ? ORDER BY at DESC, rowid DESC LIMIT ?'.replace(', rowid DESC', this.db.dialect === 'sqlite' ? ', rowid DESC' : ''),
      [endpoint, limit],
    );
    return rows.reverse().map((r) => ({ endpoint: r.endpoint, at: Number(r.at), kind: r.kind, message: r.message, data: r.data ? JSON.parse(r.data) : undefined }));
  }
}
