import { join, resolve } from 'node:path';
import { openDb, storeOptionsFromEnv, type Db, type StoreOptions } from './store/index.js';
import { ModelPackages, Registry } from './registry/index.js';
import { createEndpointService, type EndpointServiceImpl } from './endpoints/index.js';
import { Alarms, DataCapture, METRICS_MIGRATIONS, MetricsQuery, MetricsRecorder, type InvocationObserver } from './metrics/index.js';
import { BanditRouter, EventLog, EXPERIMENT_MIGRATIONS, PredictionLog, RolloutScheduler } from './experiments/index.js';

export interface AppOptions {
  dataDir: string;
  /** Default: SQLite in dataDir, or PostgreSQL when SPLITSERVE_DATABASE_URL is set. */
  store?: StoreOptions;
  /** Seedable random source for the router and bandits. */
  random?: () => number;
  /** Injectable clock, epoch milliseconds. */
  now?: () => number;
  /** Background intervals (ms); 0 turns a loop off (tests drive it with tick()). */
  intervals?: { rolloutMs?: number; banditMs?: number; alarmMs?: number; metricsFlushMs?: number; retentionMs?: number };
}

export interface App {
  options: AppOptions;
  db: Db;
  registry: Registry;
  /** SageMaker Model Registry view (package groups, versions, approval) over the registry. */
  packages: ModelPackages;
  endpoints: EndpointServiceImpl;
  observers: InvocationObserver[];
  recorder: MetricsRecorder;
  metrics: MetricsQuery;
  alarms: Alarms;
  capture: DataCapture;
  feedback: PredictionLog;
  events: EventLog;
  rollouts: RolloutScheduler;
  bandits: BanditRouter;
  close(): Promise<void>;
}

/** The composition root: opens the store and wires every domain service together. */
export async function createApp(options: AppOptions): Promise<App> {
  const dataDir = resolve(options.dataDir);
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const iv = options.intervals ?? {};
  const db = await openDb(options.store ?? storeOptionsFromEnv(dataDir));
  try {
    await db.migrate([...METRICS_MIGRATIONS, ...EXPERIMENT_MIGRATIONS]);
    const registry = await Registry.open(db, dataDir, now);
    const packages = await ModelPackages.open(db, registry, now);
    const recorder = new MetricsRecorder(db, now, iv.metricsFlushMs ?? 5000);
    const feedback = new PredictionLog(db, now);
    await feedback.start();
    const observers: InvocationObserver[] = [recorder, feedback];
    const endpoints = await createEndpointService({ db, registry, dataDir, observers, random, now });
    const capture = new DataCapture({ dir: join(dataDir, 'capture'), configFor: (name) => endpoints.captureConfig(name), random, now });
    observers.push(capture);
    const metrics = new MetricsQuery(db, recorder, { instances: (e, v) => endpoints.instanceCount(e, v), setupTimeMs: (e) => endpoints.setupTime.get(e) });
    const alarms = new Alarms(db, metrics, now);
    const events = new EventLog(db, now);
    const rollouts = new RolloutScheduler(db, endpoints, feedback, alarms, events, now);
    await rollouts.start(iv.rolloutMs ?? 5000);
    observers.push(rollouts);
    const bandits = new BanditRouter(db, endpoints, feedback, events, random, now);
    await bandits.start(iv.banditMs ?? 2000);
    if ((iv.metricsFlushMs ?? 5000) > 0) recorder.start();
    if ((iv.alarmMs ?? 10_000) > 0) alarms.start(iv.alarmMs ?? 10_000);
    // Retention: stored metric minutes (15 days) and logged predictions (7 days) older than their window go.
    const prune = () => Promise.all([recorder.prune(), feedback.prune()]).catch(() => {});
    let retentionTimer: NodeJS.Timeout | null = null;
    if ((iv.retentionMs ?? 3_600_000) > 0) {
      void prune();
      retentionTimer = setInterval(() => void prune(), iv.retentionMs ?? 3_600_000);
      retentionTimer.unref();
    }
    let closed = false;
    return {
      options: { ...options, dataDir },
      db,
      registry,
      packages,
      endpoints,
      observers,
      recorder,
      metrics,
      alarms,
      capture,
      feedback,
      events,
      rollouts,
      bandits,
      async close() {
        if (closed) return;
        closed = true;
        if (retentionTimer) clearInterval(retentionTimer);
        await rollouts.close();
        bandits.close();
        alarms.close();
        await endpoints.close();
        await recorder.close();
        await feedback.close();
        await capture.flush();
        await db.close();
      },
    };
  } catch (err) {
    await db.close();
    throw err;
  }
}
