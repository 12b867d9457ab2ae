import type { Db } from '../store/index.js';
import type { InvocationEvent, InvocationObserver } from './types.js';
import { encodeHistogram, newHistogram, recordLatency, type Histogram } from './histogram.js';

/** What a variant served in one stretch of one minute; flushed to the store as one row. */
interface Delta {
  minute: number;
  invocations: number;
  err4xx: number;
  err5xx: number;
  modelSum: number;
  modelMin: number;
  modelMax: number;
  overheadSum: number;
  overheadMin: number;
  overheadMax: number;
  model: Histogram;
  overhead: Histogram;
}

interface Pending extends Delta {
  endpoint: string;
  variant: string;
  shadow: boolean;
}

export const LIVE_SECONDS = 3600;
/** How long per-minute metrics are kept. */
export const METRICS_RETENTION_MS = 15 * 24 * 3600 * 1000;

/** Upper bounds (microseconds) of the fixed buckets kept for Prometheus histograms. */
export const PROM_BUCKETS_US = [50, 100, 250, 500, 1000, 2500, 5000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000];

function bucketIndex(us: number): number {
  let i = 0;
  while (i < PROM_BUCKETS_US.length && us > PROM_BUCKETS_US[i]) i++;
  return i;
}

/** One second of the live view. */
export interface SecondPoint {
  t: number;
  invocations: number;
  err4xx: number;
  err5xx: number;
  p50: number;
  p99: number;
}

/** Per endpoint+variant state: the open delta, the live one-second ring and in-flight count. */
export class VariantSlot {
  delta: Delta;
  inFlight = 0;
  totalInvocations = 0;
  totalErr4xx = 0;
  totalErr5xx = 0;
  readonly shadow: boolean;
  // live ring, one entry per second
  private second = -1;
  private secInv = 0;
  private sec4 = 0;
  private sec5 = 0;
  private readonly secHist = newHistogram();
  readonly ringT = new Float64Array(LIVE_SECONDS).fill(-1);
  readonly ringInv = new Int32Array(LIVE_SECONDS);
  readonly ring4 = new Int32Array(LIVE_SECONDS);
  readonly ring5 = new Int32Array(LIVE_SECONDS);
  readonly ringP50 = new Float64Array(LIVE_SECONDS);
  readonly ringP99 = new Float64Array(LIVE_SECONDS);
  /** All-time histogram since start (for Prometheus and quick percentiles). */
  readonly lifetimeModel = newHistogram();
  readonly lifetimeOverhead = newHistogram();
  /** Prometheus buckets (non-cumulative; last = +Inf) and sums, in microseconds. */
  readonly promModel = new Float64Array(PROM_BUCKETS_US.length + 1);
  readonly promOverhead = new Float64Array(PROM_BUCKETS_US.length + 1);
  promModelSum = 0;
  promOverheadSum = 0;

  constructor(
    readonly endpoint: string,
    readonly variant: string,
    shadow: boolean,
    minute: number,
  ) {
    this.shadow = shadow;
    this.delta = freshDelta(minute);
  }

  rollSecond(second: number): void {
    if (this.second >= 0 && this.secInv + this.sec4 + this.sec5 > 0) {
      const i = this.second % LIVE_SECONDS;
      this.ringT[i] = this.second;
      this.ringInv[i] = this.secInv;
      this.ring4[i] = this.sec4;
      this.ring5[i] = this.sec5;
      this.ringP50[i] = this.secHist.totalCount ? this.secHist.getValueAtPercentile(50) : 0;
      this.ringP99[i] = this.secHist.totalCount ? this.secHist.getValueAtPercentile(99) : 0;
      this.secHist.reset();
    }
    this.second = second;
    this.secInv = this.sec4 = this.sec5 = 0;
  }

  record(second: number, status: number, modelUs: number, overheadUs: number): void {
    if (second !== this.second) this.rollSecond(second);
    const d = this.delta;
    d.invocations++;
    this.totalInvocations++;
    this.secInv++;
    if (status >= 500) {
      d.err5xx++;
      this.totalErr5xx++;
      this.sec5++;
    } else if (status >= 400) {
      d.err4xx++;
      this.totalErr4xx++;
      this.sec4++;
    }
    d.modelSum += modelUs;
    if (modelUs < d.modelMin) d.modelMin = modelUs;
    if (modelUs > d.modelMax) d.modelMax = modelUs;
    d.overheadSum += overheadUs;
    if (overheadUs < d.overheadMin) d.overheadMin = overheadUs;
    if (overheadUs > d.overheadMax) d.overheadMax = overheadUs;
    recordLatency(d.model, modelUs);
    recordLatency(d.overhead, overheadUs);
    recordLatency(this.secHist, modelUs + overheadUs);
    recordLatency(this.lifetimeModel, modelUs);
    recordLatency(this.lifetimeOverhead, overheadUs);
    this.promModel[bucketIndex(modelUs)]++;
    this.promOverhead[bucketIndex(overheadUs)]++;
    this.promModelSum += modelUs;
    this.promOverheadSum += overheadUs;
  }

  /** The live points of the last `seconds` seconds (oldest first), including the open second. */
  live(nowSecond: number, seconds: number): SecondPoint[] {
    const out: SecondPoint[] = [];
    for (let s = nowSecond - seconds + 1; s <= nowSecond; s++) {
      if (s === this.second) {
        out.push({ t: s, invocations: this.secInv, err4xx: this.sec4, err5xx: this.sec5, p50: this.secHist.totalCount ? this.secHist.getValueAtPercentile(50) : 0, p99: this.secHist.totalCount ? this.secHist.getValueAtPercentile(99) : 0 });
        continue;
      }
      const i = ((s % LIVE_SECONDS) + LIVE_SECONDS) % LIVE_SECONDS;
      if (this.ringT[i] === s) out.push({ t: s, invocations: this.ringInv[i], err4xx: this.ring4[i], err5xx: this.ring5[i], p50: this.ringP50[i], p99: this.ringP99[i] });
      else out.push({ t: s, invocations: 0, err4xx: 0, err5xx: 0, p50: 0, p99: 0 });
    }
    return out;
  }
}

function freshDelta(minute: number): Delta {
  return {
    minute,
    invocations: 0,
    err4xx: 0,
    err5xx: 0,
    modelSum: 0,
    modelMin: Infinity,
    modelMax: 0,
    overheadSum: 0,
    overheadMin: Infinity,
    overheadMax: 0,
    model: newHistogram(),
    overhead: newHistogram(),
  };
}

/**
 * Records every invocation into per-variant slots (no allocation on the hot path but the rare minute rollover)
 * and flushes them to the store in the background as per-minute deltas. Counts are exact: each request lands in
 * exactly one delta, and close() flushes what is open.
 */
export class MetricsRecorder implements InvocationObserver {
  private readonly slots = new Map<string, Map<string, VariantSlot>>();
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  enabled = true;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
    private readonly flushEveryMs = 5000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush().catch(() => {}), this.flushEveryMs);
    this.timer.unref();
  }

  slot(endpoint: string, variant: string, shadow = false): VariantSlot {
    let byVariant = this.slots.get(endpoint);
    if (!byVariant) {
      byVariant = new Map();
      this.slots.set(endpoint, byVariant);
    }
    let slot = byVariant.get(variant);
    if (!slot) {
      slot = new VariantSlot(endpoint, variant, shadow, Math.floor(this.now() / 60_000));
      byVariant.set(variant, slot);
    }
    return slot;
  }

  slotsOf(endpoint: string): VariantSlot[] {
    return [...(this.slots.get(endpoint)?.values() ?? [])];
  }

  allSlots(): VariantSlot[] {
    const out: VariantSlot[] = [];
    for (const m of this.slots.values()) out.push(...m.values());
    return out;
  }

  invocationStarted(endpoint: string, variant: string, shadow: boolean): void {
    if (!this.enabled) return;
    this.slot(endpoint, variant, shadow).inFlight++;
  }

  invocationFinished(e: InvocationEvent): void {
    if (!this.enabled) return;
    const slot = this.slot(e.endpoint, e.variant, e.shadow);
    slot.inFlight--;
    const now = this.now();
    const minute = Math.floor(now / 60_000);
    if (minute !== slot.delta.minute) this.rollDelta(slot, minute);
    slot.record(Math.floor(now / 1000), e.status, e.modelLatencyUs, e.overheadLatencyUs);
  }

  private rollDelta(slot: VariantSlot, minute: number): void {
    const d = slot.delta;
    if (d.invocations > 0) this.pending.push({ ...d, endpoint: slot.endpoint, variant: slot.variant, shadow: slot.shadow });
    slot.delta = freshDelta(minute);
  }

  /** Unflushed deltas (open and queued) of an endpoint, for queries that must include the last seconds. */
  unflushed(endpoint: string): Pending[] {
    const out = this.pending.filter((p) => p.endpoint === endpoint);
    for (const s of this.slotsOf(endpoint)) if (s.delta.invocations > 0) out.push({ ...s.delta, endpoint: s.endpoint, variant: s.variant, shadow: s.shadow });
    return out;
  }

  /** Moves every open delta to the store. */
  async flush(): Promise<void> {
    const run = async () => {
      for (const s of this.allSlots()) if (s.delta.invocations > 0) this.rollDelta(s, s.delta.minute);
      const batch = this.pending;
      this.pending = [];
      if (!batch.length) return;
      try {
        await this.db.transaction(async (tx) => {
          for (const p of batch) {
            await tx.run(
              `INSERT INTO metrics_deltas (endpoint, variant, minute, shadow, invocations, err4xx, err5xx, model_sum, model_min, model_max, overhead_sum, overhead_min, overhead_max, model_hist, overhead_hist)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
              [p.endpoint, p.variant, p.minute, p.shadow ? 1 : 0, p.invocations, p.err4xx, p.err5xx, p.modelSum, p.modelMin, p.modelMax, p.overheadSum, p.overheadMin, p.overheadMax, encodeHistogram(p.model), encodeHistogram(p.overhead)],
            );
          }
        });
      } catch (err) {
        this.pending = batch.concat(this.pending); // keep them for the next try: never lose counts
        throw err;
      }
    };
    this.flushing = this.flushing.then(run, run);
    return this.flushing;
  }

  /** Deletes stored minutes and custom datapoints older than the retention (default 15 days, as CloudWatch keeps 1-minute data). */
  async prune(retentionMs: number = METRICS_RETENTION_MS): Promise<void> {
    const cutoff = this.now() - retentionMs;
    await this.db.run('DELETE FROM metrics_deltas WHERE minute < ?', [Math.floor(cutoff / 60_000)]);
    await this.db.run('DELETE FROM metrics_custom WHERE ts < ?', [cutoff]);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }
}
