/**
 * The pure TypeScript XGBoost evaluator against libxgboost (through koffi) in the same process:
 * single-row latency (DMatrix creation included for libxgboost), a 10,000-row batch, model load time and memory.
 */
import { prepareTitanic, SEED_VARIANTS } from '../src/training/pipeline.js';
import { parseHyperparameters } from '../src/training/hyperparameters.js';
import { trainXgboost } from '../src/training/xgboost-trainer.js';
import { Booster, DMatrix } from '../src/training/libxgboost.js';
import { XgboostModel } from '../src/runtime/xgboost/loaded.js';
import { QUICK, summarize, table, timeUs } from './util.js';

export async function run(): Promise<void> {
  const data = await prepareTitanic();
  const model = trainXgboost({ train: data.train, validation: data.validation, schema: data.schema, hyperparameters: parseHyperparameters(SEED_VARIANTS['titanic-b']) }).model;
  const ts = XgboostModel.fromBytes(model, data.schema);
  const booster = Booster.fromBuffer(model);
  booster.setParam('nthread', 1);
  const cols = data.test.cols;
  const rowsOf = (i: number) => data.test.x.subarray((i % data.test.rows) * cols, ((i % data.test.rows) + 1) * cols);
  const bodies = Array.from({ length: data.test.rows }, (_, i) => Buffer.from(Array.from(rowsOf(i), (v) => (Number.isNaN(v) ? '' : String(v))).join(',')));

  // Same answers first: a benchmark of two things that disagree would mean nothing.
  for (let i = 0; i < data.test.rows; i++) {
    const m = new DMatrix(Float32Array.from(rowsOf(i)), 1, cols);
    const lib = booster.predict(m).values[0];
    m.free();
    if (lib !== ts.predictRows(rowsOf(i), 1)[0]) throw new Error(`row ${i}: TypeScript and libxgboost disagree`);
  }

  const n = QUICK ? 500 : 20_000;
  const warm = QUICK ? 100 : 2_000;
  const single = (fn: (i: number) => unknown) => {
    for (let i = 0; i < warm; i++) fn(i);
    const samples: number[] = new Array(n);
    for (let i = 0; i < n; i++) samples[i] = timeUs(() => fn(i));
    return summarize(samples);
  };
  const tsRow = single((i) => ts.predictRows(rowsOf(i), 1));
  const tsPayload = single((i) => ts.predict(bodies[i % bodies.length], 'text/csv', undefined));
  const libRow = single((i) => {
    const m = new DMatrix(Float32Array.from(rowsOf(i)), 1, cols);
    booster.predict(m);
    m.free();
  });
  table(`Single-row predict, seed variant B (100 trees, depth 6), ${n} calls each`, ['engine', 'median us', 'p99 us', 'libxgboost median / this'], [
    ['TypeScript evaluator (encoded row)', tsRow.median, tsRow.p99, libRow.median / tsRow.median],
    ['TypeScript evaluator (CSV body in, CSV out)', tsPayload.median, tsPayload.p99, libRow.median / tsPayload.median],
    ['libxgboost 1.7 via koffi (DMatrix + predict)', libRow.median, libRow.p99, 1],
  ]);

  const batchRows = 10_000;
  const x = new Float32Array(batchRows * cols);
  for (let r = 0; r < batchRows; r++) x.set(rowsOf(r), r * cols);
  const reps = QUICK ? 3 : 30;
  const batch = (fn: () => unknown) => {
    fn();
    const s: number[] = [];
    for (let i = 0; i < reps; i++) s.push(timeUs(fn) / 1000);
    return summarize(s);
  };
  const tsBatch = batch(() => ts.predictRows(x, batchRows));
  const libBatch1 = batch(() => {
    const m = new DMatrix(x, batchRows, cols);
    booster.predict(m);
    m.free();
  });
  const booster2 = Booster.fromBuffer(model);
  booster2.setParam('nthread', 2);
  const libBatch2 = batch(() => {
    const m = new DMatrix(x, batchRows, cols);
    booster2.predict(m);
    m.free();
  });
  table(`Batch of ${batchRows} rows, ${reps} runs each`, ['engine', 'median ms', 'min ms', 'this / libxgboost (1 thread)'], [
    ['TypeScript evaluator (1 thread)', tsBatch.median, tsBatch.min, tsBatch.median / libBatch1.median],
    ['libxgboost, nthread 1', libBatch1.median, libBatch1.min, 1],
    ['libxgboost, nthread 2', libBatch2.median, libBatch2.min, libBatch2.median / libBatch1.median],
  ]);

  const loads: number[] = [];
  for (let i = 0; i < (QUICK ? 3 : 30); i++) loads.push(timeUs(() => XgboostModel.fromBytes(model, data.schema)) / 1000);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage();
  const keep: XgboostModel[] = [];
  const copies = QUICK ? 5 : 50;
  for (let i = 0; i < copies; i++) keep.push(XgboostModel.fromBytes(model, data.schema));
  gc?.();
  const after = process.memoryUsage();
  const perModel = (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / copies / 1024;
  const rssPer = (after.rss - before.rss) / copies / 1024;
  table('Model load (variant B)', ['measure', 'value'], [
    ['JSON model file size, KiB', model.length / 1024],
    ['load time median, ms', summarize(loads).median],
    [`heap + array buffers per loaded model, KiB (${copies} copies${gc ? '' : ', no --expose-gc: approximate'})`, perModel],
    ['resident memory per loaded model, KiB', rssPer],
  ]);
  keep.length = 0;
  booster.free();
  booster2.free();
}
