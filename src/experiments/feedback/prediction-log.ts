import type { Db, SqlValue } from '../../store/index.js';
import type { InvocationEvent, InvocationObserver } from '../../metrics/index.js';
import { binaryMetrics, regressionMetrics, type ClassificationMetrics, type RegressionMetrics } from '../../training/metrics.js';

export const FEEDBACK_MIGRATIONS = [
  {
    id: 'experiments-001-predictions',
    sql: `
      CREATE TABLE IF NOT EXISTS fb_predictions (
        inference_id TEXT PRIMARY KEY,
        endpoint TEXT NOT NULL,
        variant TEXT NOT NULL,
        shadow BIGINT NOT NULL,
        score DOUBLE PRECISION,
        predicted_label DOUBLE PRECISION,
        created_at BIGINT NOT NULL,
        truth DOUBLE PRECISION,
        reward DOUBLE PRECISION,
        feedback_at BIGINT
      );
      CREATE INDEX IF NOT EXISTS fb_predictions_endpoint ON fb_predictions (endpoint, variant, feedback_at);
      CREATE INDEX IF NOT EXISTS fb_predictions_created ON fb_predictions (created_at)`,
  },
];

export class FeedbackError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404,
  ) {
    super(message);
    this.name = 'FeedbackError';
  }
}

export interface FeedbackItem {
  inferenceId: string;
  /** The true outcome: class index (0/1 for binary) or the true value for regressors. */
  label?: number;
  /** Any numeric reward (conversion 0/1, revenue …). */
  reward?: number;
}

export interface FeedbackResult {
  accepted: number;
  duplicates: number;
  unknown: string[];
}

export interface VariantQuality {
  variant: string;
  shadow: boolean;
  predictions: number;
  withFeedback: number;
  classification?: ClassificationMetrics & { calibration: { bin: number; meanScore: number; observed: number; n: number }[] };
  regression?: RegressionMetrics;
  reward?: { n: number; mean: number; variance: number };
}

/** Rows per INSERT statement (7 parameters each: well under SQLite's and PostgreSQL's parameter limits). */
const INSERT_ROWS = 200;
const insertSqlCache = new Map<number, string>();
function insertSql(rows: number): string {
  let sql = insertSqlCache.get(rows);
  if (!sql) {
    sql = `INSERT INTO fb_predictions (inference_id, endpoint, variant, shadow, score, predicted_label, created_at) VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ')} ON CONFLICT (inference_id) DO NOTHING`;
    insertSqlCache.set(rows, sql);
  }
  return sql;
}

interface Pending {
  id: string;
  endpoint: string;
  variant: string;
  shadow: number;
  score: number | null;
  label: number | null;
  at: number;
}

/**
 * Keeps each prediction's variant and score by inference id (in the store, batched off the hot path), joins the
 * ground truth posted later, and computes per-variant quality. Bounded: rows older than the retention are pruned.
 */
export class PredictionLog implements InvocationObserver {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
    readonly retentionMs = 7 * 24 * 3600 * 1000,
  ) {}

  async start(): Promise<void> {
    await this.db.migrate(FEEDBACK_MIGRATIONS);
    this.timer = setInterval(() => void this.flush().catch(() => {}), 250);
    this.timer.unref();
  }

  invocationStarted(): void {}

  invocationFinished(e: InvocationEvent): void {
    if (e.status >= 400 || !e.result) return;
    const scores = e.result.scores;
    const labels = e.result.labels;
    // One inference id per request: a batch request is logged by its first record.
    this.pending.push({
      id: e.shadow ? `${e.inferenceId}#shadow:${e.variant}` : e.inferenceId,
      endpoint: e.endpoint,
      variant: e.variant,
      shadow: e.shadow ? 1 : 0,
      score: scores && scores.length ? scores[0] : null,
      label: labels && labels.length ? labels[0] : null,
      at: e.startedAt,
    });
  }

  async flush(): Promise<void> {
    const run = async () => {
      const batch = this.pending;
      this.pending = [];
      if (!batch.length) return;
      try {
        await this.db.transaction(async (tx) => {
          // multi-row INSERTs: one statement per INSERT_ROWS predictions instead of one per prediction
          for (let start = 0; start < batch.length; start += INSERT_ROWS) {
            const rows = batch.slice(start, start + INSERT_ROWS);
            const params: SqlValue[] = [];
            for (const p of rows) params.push(p.id, p.endpoint, p.variant, p.shadow, p.score, p.label, p.at);
            await tx.run(insertSql(rows.length), params);
          }
        });
      } catch (err) {
        this.pending = batch.concat(this.pending);
        throw err;
      }
    };
    this.flushing = this.flushing.then(run, run);
    return this.flushing;
  }

  /** Records ground truth. The same inference id twice counts once; unknown ids are reported back. */
  async record(endpoint: string, items: FeedbackItem[]): Promise<FeedbackResult> {
    await this.flush();
    const result: FeedbackResult = { accepted: 0, duplicates: 0, unknown: [] };
    const now = this.now();
    await this.db.transaction(async (tx) => {
      for (const item of items) {
        const row = await tx.get<{ endpoint: string; feedback_at: number | null }>('SELECT endpoint, feedback_at FROM fb_predictions WHERE inference_id = ?', [item.inferenceId]);
        if (!row || row.endpoint !== endpoint) {
          result.unknown.push(item.inferenceId);
          continue;
        }
        if (row.feedback_at !== null) {
          result.duplicates++;
          continue;
        }
        await tx.run('UPDATE fb_predictions SET truth = ?, reward = ?, feedback_at = ? WHERE inference_id = ? AND feedback_at IS NULL', [item.label ?? null, item.reward ?? null, now, item.inferenceId]);
        // the shadow's copy of this request is judged against the same truth
        await tx.run('UPDATE fb_predictions SET truth = ?, reward = ?, feedback_at = ? WHERE inference_id LIKE ? AND feedback_at IS NULL', [item.label ?? null, item.reward ?? null, now, `${item.inferenceId}#shadow:%`]);
        result.accepted++;
      }
    });
    return result;
  }

  /** Per-variant quality from joined ground truth; `task` decides classification or regression metrics. */
  async quality(endpoint: string, task: 'binary' | 'regression' = 'binary', since = 0): Promise<VariantQuality[]> {
    await this.flush();
    const counts = await this.db.all<{ variant: string; shadow: number; n: number }>('SELECT variant, shadow, COUNT(*) AS n FROM fb_predictions WHERE endpoint = ? AND created_at >= ? GROUP BY variant, shadow ORDER BY variant', [endpoint, since]);
    const out: VariantQuality[] = [];
    for (const c of counts) {
      const rows = await this.db.all<{ score: number | null; truth: number | null; reward: number | null }>(
        'SELECT score, truth, reward FROM fb_predictions WHERE endpoint = ? AND variant = ? AND shadow = ? AND feedback_at IS NOT NULL AND created_at >= ?',
        [endpoint, c.variant, c.shadow, since],
      );
      const q: VariantQuality = { variant: c.variant, shadow: Number(c.shadow) === 1, predictions: Number(c.n), withFeedback: rows.length };
      const labelled = rows.filter((r) => r.truth !== null && r.score !== null);
      if (labelled.length) {
        const scores = labelled.map((r) => r.score!);
        const truths = labelled.map((r) => r.truth!);
        if (task === 'binary') q.classification = { ...binaryMetrics(scores, truths), calibration: calibration(scores, truths) };
        else q.regression = regressionMetrics(scores, truths);
      }
      const rewards = rows.filter((r) => r.reward !== null).map((r) => r.reward!);
      if (rewards.length) {
        const mean = rewards.reduce((a, b) => a + b, 0) / rewards.length;
        const variance = rewards.length > 1 ? rewards.reduce((a, b) => a + (b - mean) ** 2, 0) / (rewards.length - 1) : 0;
        q.reward = { n: rewards.length, mean, variance };
      }
      out.push(q);
    }
    return out;
  }

  /**
   * Per-variant successes for a binary outcome, for statistics and bandits: "correct" (prediction at 0.5 equals the
   * label) or "reward" (reward > 0). Production variants only.
   */
  async binaryOutcomes(endpoint: string, outcome: 'correct' | 'reward' = 'correct', since = 0): Promise<Map<string, { n: number; successes: number }>> {
    await this.flush();
    const rows = await this.db.all<{ variant: string; score: number | null; truth: number | null; reward: number | null }>(
      'SELECT variant, score, truth, reward FROM fb_predictions WHERE endpoint = ? AND shadow = 0 AND feedback_at IS NOT NULL AND created_at >= ?',
      [endpoint, since],
    );
    const out = new Map<string, { n: number; successes: number }>();
    for (const r of rows) {
      let success: boolean;
      if (outcome === 'reward') {
        if (r.reward === null) continue;
        success = r.reward > 0;
      } else {
        if (r.truth === null || r.score === null) continue;
        success = (r.score >= 0.5 ? 1 : 0) === r.truth;
      }
      const s = out.get(r.variant) ?? { n: 0, successes: 0 };
      s.n++;
      if (success) s.successes++;
      out.set(r.variant, s);
    }
    return out;
  }

  /** Successful production requests per variant with from ≤ created_at < to (for sample-ratio checks). */
  async countsBetween(endpoint: string, from: number, to: number): Promise<Record<string, number>> {
    await this.flush();
    const rows = await this.db.all<{ variant: string; n: number }>('SELECT variant, COUNT(*) AS n FROM fb_predictions WHERE endpoint = ? AND shadow = 0 AND created_at >= ? AND created_at < ? GROUP BY variant', [endpoint, from, to]);
    return Object.fromEntries(rows.map((r) => [r.variant, Number(r.n)]));
  }

  /** Paired production/shadow scores for the shadow comparison. */
  async shadowPairs(endpoint: string, shadowVariant: string): Promise<{ production: number; shadow: number }[]> {
    await this.flush();
    return this.db.all<{ production: number; shadow: number }>(
      `SELECT p.score AS production, s.score AS shadow FROM fb_predictions s JOIN fb_predictions p ON s.inference_id = p.inference_id || '#shadow:' || s.variant
       WHERE s.endpoint = ? AND s.variant = ? AND s.shadow = 1 AND s.score IS NOT NULL AND p.score IS NOT NULL`,
      [endpoint, shadowVariant],
    );
  }

  async prune(): Promise<void> {
    await this.db.run('DELETE FROM fb_predictions WHERE created_at < ?', [this.now() - this.retentionMs]);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }
}

function calibration(scores: number[], truths: number[], bins = 10): { bin: number; meanScore: number; observed: number; n: number }[] {
  const acc = Array.from({ length: bins }, () => ({ s: 0, o: 0, n: 0 }));
  scores.forEach((s, i) => {
    const b = Math.min(bins - 1, Math.floor(s * bins));
    acc[b].s += s;
    acc[b].o += truths[i];
    acc[b].n++;
  });
  return acc.map((a, bin) => ({ bin, meanScore: a.n ? a.s / a.n : 0, observed: a.n ? a.o / a.n : 0, n: a.n })).filter((b) => b.n > 0);
}
