import { describe, it, before } from 'node:test';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import assert from 'node:assert/strict';
import { prepareTitanic, SEED_VARIANTS, type PreparedData } from '../../src/training/pipeline.js';
import { parseHyperparameters } from '../../src/training/hyperparameters.js';
import { trainXgboost } from '../../src/training/xgboost-trainer.js';
import { Booster, DMatrix } from '../../src/training/libxgboost.js';
import { XgboostModel } from '../../src/runtime/xgboost/loaded.js';

/** Trains straight through libxgboost's C API with any parameters (objectives the built-in trainer does not expose too). */
function trainRaw(x: Float32Array, rows: number, cols: number, labels: ArrayLike<number>, params: Record<string, string | number>, rounds: number): Buffer {
  const d = new DMatrix(x, rows, cols, labels);
  const b = new Booster([d]);
  try {
    for (const [k, v] of Object.entries({ nthread: 1, seed: 0, ...params })) b.setParam(k, v);
    for (let i = 0; i < rounds; i++) b.updateOneIter(i, d);
    return b.saveJson();
  } finally {
    b.free();
    d.free();
  }
}

function libPredict(model: Buffer, x: Float32Array, rows: number, cols: number, outputMargin = false): Float32Array {
  const b = Booster.fromBuffer(model);
  const d = new DMatrix(x, rows, cols);
  try {
    return b.predict(d, { outputMargin }).values;
  } finally {
    d.free();
    b.free();
  }
}

/**
 * Margins must be bit-identical (float32 sums in libxgboost's order). Transformed outputs may differ by one ulp
 * where glibc's expf and a correctly rounded exp disagree: the bound is the 1e-6 relative.
 */
function assertSame(ours: Float32Array, theirs: Float32Array, what: string, exact: boolean): void {
  assert.equal(ours.length, theirs.length, `${what}: output length`);
  let worst = 0;
  let differing = 0;
  for (let i = 0; i < ours.length; i++) {
    if (ours[i] !== theirs[i]) differing++;
    const rel = Math.abs(ours[i] - theirs[i]) / Math.max(Math.abs(theirs[i]), 1e-30);
    if (rel > worst) worst = rel;
  }
  assert.ok(worst <= 1e-6, `${what}: worst relative difference ${worst}`);
  if (exact) assert.equal(differing, 0, `${what}: ${differing} of ${ours.length} values are not bit-identical (worst ${worst})`);
  else assert.ok(differing <= ours.length * 0.3, `${what}: ${differing} of ${ours.length} values differ (worst ${worst})`);
}

describe('TypeScript XGBoost evaluator: parity with libxgboost on every row', () => {
  let data: PreparedData;
  let all: { x: Float32Array; rows: number; cols: number };
  before(async () => {
    data = await prepareTitanic();
    const parts = [data.train, data.validation, data.test];
    const rows = parts.reduce((s, p) => s + p.rows, 0);
    const x = new Float32Array(rows * data.train.cols);
    let o = 0;
    for (const p of parts) {
      x.set(p.x, o);
      o += p.x.length;
    }
    all = { x, rows, cols: data.train.cols };
    let missing = 0;
    for (const v of x) if (Number.isNaN(v)) missing++;
    assert.ok(missing > 100, 'the rows include missing values (Age, Embarked)');
  });

  const check = (name: string, model: Buffer, options: { margin?: boolean } = {}): void => {
    if (!options.margin) check(`${name} (margins)`, model, { margin: true });
    const ours = XgboostModel.fromBytes(model, undefined, name).predictRows(all.x, all.rows, { outputMargin: options.margin });
    const exact = options.margin === true || /logitraw|squarederror|softmax/.test(name);
    assertSame(ours, libPredict(model, all.x, all.rows, all.cols, options.margin), name, exact);
    // single-row path too
    const one = XgboostModel.fromBytes(model, undefined, name);
    const width = ours.length / all.rows;
    for (let r = 0; r < all.rows; r += 7) {
      const single = one.predictRows(all.x.subarray(r * all.cols, (r + 1) * all.cols), 1, { outputMargin: options.margin });
      for (let k = 0; k < width; k++) assert.equal(single[k], ours[r * width + k], `${name}: row ${r} alone`);
    }
  };

  it('both seed variants, on all 891 passengers', () => {
    for (const [name, params] of Object.entries(SEED_VARIANTS)) {
      const out = trainXgboost({ train: data.train, validation: data.validation, test: data.test, schema: data.schema, hyperparameters: parseHyperparameters(params) });
      check(name, out.model);
      check(`${name} margins`, out.model, { margin: true });
    }
  });

  it('binary:logitraw, reg:logistic, reg:squarederror, count:poisson', () => {
    const t = data.train;
    check('logitraw', trainRaw(t.x, t.rows, t.cols, t.y, { objective: 'binary:logitraw', max_depth: 4, eta: 0.2 }, 30));
    check('reg:logistic', trainRaw(t.x, t.rows, t.cols, t.y, { objective: 'reg:logistic', max_depth: 4, eta: 0.2 }, 30));
    const fare = Array.from({ length: t.rows }, (_, r) => t.x[r * t.cols + 5]);
    check('reg:squarederror', trainRaw(t.x, t.rows, t.cols, fare, { objective: 'reg:squarederror', max_depth: 5, eta: 0.1, subsample: 0.8 }, 60));
    const sibsp = Array.from({ length: t.rows }, (_, r) => t.x[r * t.cols + 3]);
    check('count:poisson', trainRaw(t.x, t.rows, t.cols, sibsp, { objective: 'count:poisson', max_depth: 3, eta: 0.1 }, 40));
  });

  it('multi:softprob and multi:softmax (3 classes)', () => {
    const t = data.train;
    // Predict the port of embarkation (S/C/Q) from the other columns; rows without one are dropped.
    const keep: number[] = [];
    for (let r = 0; r < t.rows; r++) if (!Number.isNaN(t.x[r * t.cols + 6])) keep.push(r);
    const x = new Float32Array(keep.length * t.cols);
    keep.forEach((r, i) => {
      x.set(t.x.subarray(r * t.cols, (r + 1) * t.cols), i * t.cols);
      x[i * t.cols + 6] = NaN;
    });
    const y = keep.map((r) => t.x[r * t.cols + 6]);
    check('multi:softprob', trainRaw(x, keep.length, t.cols, y, { objective: 'multi:softprob', num_class: 3, max_depth: 4, eta: 0.3 }, 20));
    check('multi:softprob margins', trainRaw(x, keep.length, t.cols, y, { objective: 'multi:softprob', num_class: 3, max_depth: 4, eta: 0.3 }, 20), { margin: true });
    check('multi:softmax', trainRaw(x, keep.length, t.cols, y, { objective: 'multi:softmax', num_class: 3, max_depth: 4, eta: 0.3 }, 20));
  });

  it('dart booster with dropped trees (tree weights)', () => {
    const t = data.train;
    check('dart', trainRaw(t.x, t.rows, t.cols, t.y, { objective: 'binary:logistic', booster: 'dart', rate_drop: 0.2, skip_drop: 0, max_depth: 4, eta: 0.3 }, 30));
  });

  it('reads the JSON layout XGBoost 2.x writes (version 2, vector base_score, extra fields) with the same predictions', () => {
    const out = trainXgboost({ train: data.train, validation: data.validation, schema: data.schema, hyperparameters: parseHyperparameters(SEED_VARIANTS['titanic-b']) });
    const doc = JSON.parse(out.model.toString());
    doc.version = [2, 1, 3];
    doc.learner.learner_model_param.base_score = `[${doc.learner.learner_model_param.base_score}]`;
    doc.learner.learner_model_param.multi_strategy = 'one_output_per_tree';
    doc.learner.gradient_booster.model.iteration_indptr = Array.from({ length: doc.learner.gradient_booster.model.trees.length + 1 }, (_, i) => i);
    for (const tree of doc.learner.gradient_booster.model.trees) tree.tree_param.size_leaf_vector = '1';
    const v2 = Buffer.from(JSON.stringify(doc));
    const a = XgboostModel.fromBytes(out.model).predictRows(all.x, all.rows);
    const b = XgboostModel.fromBytes(v2).predictRows(all.x, all.rows);
    assert.deepEqual(b, a);
  });

  it('loads UBJSON through libxgboost, and refuses categorical splits with a clear message', () => {
    const t = data.train;
    const model = trainRaw(t.x, t.rows, t.cols, t.y, { objective: 'binary:logistic', max_depth: 3 }, 10);
    const booster = Booster.fromBuffer(model);
    const ubj = booster.saveRaw('ubj');
    booster.free();
    assert.throws(() => JSON.parse(ubj.toString()), 'UBJSON is not JSON text');
    assert.deepEqual(XgboostModel.fromBytes(ubj).predictRows(all.x, all.rows), XgboostModel.fromBytes(model).predictRows(all.x, all.rows));
    const doc = JSON.parse(model.toString());
    const tree = doc.learner.gradient_booster.model.trees[0];
    tree.split_type = tree.split_type.map((_: number, i: number) => (i === 0 ? 1 : 0));
    tree.categories_nodes = [0];
    assert.throws(() => XgboostModel.fromBytes(Buffer.from(JSON.stringify(doc)), undefined, 'cat.json'), /cat\.json: tree 0 uses categorical splits.*retrain/);
    assert.throws(() => XgboostModel.fromBytes(Buffer.from('{"learner": {"objective": {"name": "rank:pairwise"}}}'), undefined, 'rank.json'), /objective "rank:pairwise" is not supported/);
  });

  it("matches XGBoost's own Python package (Debian python3-xgboost) loading splitserve's model file", async () => {
    const out = trainXgboost({ train: data.train, validation: data.validation, schema: data.schema, hyperparameters: parseHyperparameters(SEED_VARIANTS['titanic-b']) });
    const dir = mkdtempSync(join(tmpdir(), 'splitserve-py-'));
    try {
      writeFileSync(join(dir, 'model.json'), out.model);
      writeFileSync(join(dir, 'x.json'), JSON.stringify({ rows: all.rows, cols: all.cols, x: Array.from(all.x, (v) => (Number.isNaN(v) ? null : v)) }));
      const script = `
import json, sys, numpy as np, xgboost as xgb
d = json.load(open(sys.argv[2]))
x = np.array([np.nan if v is None else v for v in d['x']], dtype=np.float32).reshape(d['rows'], d['cols'])
b = xgb.Booster(model_file=sys.argv[1])
print(json.dumps(b.predict(xgb.DMatrix(x, missing=np.nan)).astype(float).tolist()))
`;
      const { stdout } = await promisify(execFile)('/usr/bin/python3', ['-c', script, join(dir, 'model.json'), join(dir, 'x.json')], { maxBuffer: 16 << 20 });
      const python = Float32Array.from(JSON.parse(stdout) as number[]);
      const ours = XgboostModel.fromBytes(out.model).predictRows(all.x, all.rows);
      assertSame(ours, python, 'python xgboost', false);
      assertSame(libPredict(out.model, all.x, all.rows, all.cols), python, 'libxgboost vs python xgboost', true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
