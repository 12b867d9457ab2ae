import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HyperparameterError, parseHyperparameters } from '../../src/training/hyperparameters.js';
import { trainXgboost } from '../../src/training/xgboost-trainer.js';
import { prepareTitanic, SEED_VARIANTS, type PreparedData } from '../../src/training/pipeline.js';
import { runCommandTrainer, TrainingCommandError } from '../../src/training/command-trainer.js';
import { Booster, DMatrix } from '../../src/training/libxgboost.js';
import { binaryMetrics } from '../../src/training/metrics.js';

describe('hyperparameters: validated before training, by XGBoost’s names', () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ num_rounds: 50 }, /unknown hyperparameter "num_rounds" \(known: objective, num_round,/],
    [{ eta: 0 }, /eta = 0: must be a number in \(0, 1\]/],
    [{ eta: '1.5' }, /eta = "1.5": must be a number in \(0, 1\]/],
    [{ max_depth: -1 }, /max_depth = -1: must be a whole number in \[0, 64\]/],
    [{ num_round: 2.5 }, /num_round = 2.5: must be a whole number/],
    [{ subsample: 'lots' }, /subsample = "lots"/],
    [{ objective: 'binary:hinge2' }, /objective = "binary:hinge2"/],
    [{ objective: 'multi:softprob' }, /needs num_class/],
  ];
  for (const [raw, message] of bad) {
    it(`refuses ${JSON.stringify(raw)}`, () => {
      assert.throws(() => parseHyperparameters(raw), (err: unknown) => err instanceof HyperparameterError && message.test(err.message));
    });
  }
  it('takes strings as SageMaker’s HyperParameters map sends them, and fills XGBoost’s defaults', () => {
    const hp = parseHyperparameters({ num_round: '50', max_depth: '3', eta: '0.3' });
    assert.equal(hp.num_round, 50);
    assert.equal(hp.max_depth, 3);
    assert.equal(hp.eta, 0.3);
    assert.equal(hp.objective, 'binary:logistic');
    assert.equal(hp.subsample, 1);
    assert.equal(hp.lambda, 1);
  });
});

describe('training the seed variants with libxgboost', () => {
  let data: PreparedData;
  before(async () => {
    data = await prepareTitanic();
  });
  const train = (params: Record<string, unknown>, d = data) => trainXgboost({ train: d.train, validation: d.validation, test: d.test, schema: d.schema, hyperparameters: parseHyperparameters(params) });

  it('trains A (50 rounds, depth 3, eta 0.3) and B (100 rounds, depth 6, eta 0.1, subsample 0.8) into XGBoost JSON with test metrics', () => {
    for (const [name, params] of Object.entries(SEED_VARIANTS)) {
      const out = train(params);
      const json = JSON.parse(out.model.toString());
      const trees = json.learner.gradient_booster.model.trees as { tree_param: { num_nodes: string } }[];
      assert.equal(trees.length, params.num_round, name);
      assert.equal(out.rounds, params.num_round);
      assert.equal(out.evalLog.length, params.num_round);
      assert.match(out.evalLog[0], /^\[0\]\tvalidation-logloss:/);
      const m = out.metrics as ReturnType<typeof binaryMetrics>;
      assert.ok(m.accuracy >= 0.78 && m.accuracy <= 0.87, `${name} test accuracy ${m.accuracy}`);
      assert.equal(m.n, data.test.rows);
      // the stored metrics are what the model predicts on the test rows, through libxgboost itself
      const booster = Booster.fromBuffer(out.model);
      const dm = new DMatrix(data.test.x, data.test.rows, data.test.cols);
      const direct = binaryMetrics(booster.predict(dm).values, data.test.y);
      dm.free();
      booster.free();
      assert.equal(m.accuracy, direct.accuracy);
      assert.ok(Math.abs(m.auc - direct.auc) < 1e-12);
      assert.deepEqual(m.confusion, direct.confusion);
    }
  });

  it('retraining with the same data, parameters and seed gives a byte-identical model; another seed does not (B subsamples)', () => {
    const b1 = train(SEED_VARIANTS['titanic-b']).model;
    const b2 = train(SEED_VARIANTS['titanic-b']).model;
    assert.ok(b1.equals(b2), 'same bytes');
    const b3 = train({ ...SEED_VARIANTS['titanic-b'], seed: 7 }).model;
    assert.ok(!b1.equals(b3), 'a different seed changes the sampled rows');
  });

  it('stops early on the validation set when asked', () => {
    const out = train({ num_round: 2000, eta: 0.3, max_depth: 6, early_stopping_rounds: 5, eval_metric: 'logloss' });
    assert.ok(out.bestIteration !== undefined);
    assert.equal(out.evalLog.length, out.bestIteration + 1 + 5, 'stopped 5 rounds after the best one');
    assert.equal(out.rounds, out.bestIteration + 1, 'the saved model ends at the best round');
    const logloss = out.evalLog.map((l) => Number(l.split(':').pop()));
    assert.equal(Math.min(...logloss), logloss[out.bestIteration]);
    assert.equal(JSON.parse(out.model.toString()).learner.gradient_booster.model.trees.length, out.rounds);
  });

  it('multi:softprob and reg:squarederror report their own metrics', async () => {
    const multi = train({ objective: 'multi:softprob', num_class: 3, num_round: 10 }, await prepareTitanicBy('pclass'));
    assert.ok((multi.metrics as { accuracy: number }).accuracy > 0.5);
    const reg = train({ objective: 'reg:squarederror', num_round: 20 }, await prepareTitanicBy('fare'));
    const r = reg.metrics as { rmse: number; mae: number; r2: number };
    assert.ok(r.rmse > 0 && r.mae > 0 && r.mae <= r.rmse && r.r2 < 1, JSON.stringify(r));
  });
});

async function prepareTitanicBy(target: string): Promise<PreparedData> {
  const { prepareData } = await import('../../src/training/pipeline.js');
  const { TITANIC_CSV } = await import('../../src/data/index.js');
  const features = ['pclass', 'sex', 'age', 'sibsp', 'parch', 'fare', 'embarked'].filter((f) => f !== target);
  return prepareData(TITANIC_CSV, { target, features, categorical: ['sex', 'embarked'], task: target === 'pclass' ? 'multiclass' : 'regression' });
}

describe('bring your own trainer: the SageMaker training contract', () => {
  const work = mkdtempSync(join(tmpdir(), 'splitserve-byo-'));
  const script = join(work, 'train.mjs');
  writeFileSync(
    script,
    `import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
const hps = JSON.parse(process.env.SM_HPS);
const fromFile = JSON.parse(readFileSync(join(process.env.SM_INPUT_CONFIG_DIR, 'hyperparameters.json'), 'utf8'));
const rows = readdirSync(process.env.SM_CHANNEL_TRAIN).flatMap((f) => readFileSync(join(process.env.SM_CHANNEL_TRAIN, f), 'utf8').trim().split('\\n'));
console.log('training on ' + rows.length + ' rows with eta ' + hps.eta);
console.error('a warning on stderr');
if (hps.fail) { console.log('about to fail'); process.exit(Number(hps.fail)); }
if (hps.empty) process.exit(0);
writeFileSync(join(process.env.SM_MODEL_DIR, 'seen.json'), JSON.stringify({ hps, fromFile, rows: rows.length, validation: process.env.SM_CHANNEL_VALIDATION, hpEnv: process.env.SM_HP_ETA, channels: process.env.SM_CHANNELS }));
`,
  );
  const channel = (name: string, rows: number) => {
    const dir = join(work, 'channels', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'data.csv'), Array.from({ length: rows }, (_, i) => `${i % 2},${i},${i * 2}`).join('\n') + '\n');
    return dir;
  };

  it('passes channels, hyperparameters (env, JSON, file) and streams the log; what lands in SM_MODEL_DIR is the model', async () => {
    const lines: string[] = [];
    const out = await runCommandTrainer({ command: [process.execPath, script], channels: { train: channel('train', 40), validation: channel('validation', 5) }, hyperparameters: { eta: '0.1', num_round: '10' }, workDir: join(work, 'job1'), onLog: (l) => lines.push(l) });
    assert.deepEqual(lines.sort(), ['a warning on stderr', 'training on 40 rows with eta 0.1']);
    assert.equal(out.files.length, 1);
    const seen = JSON.parse(readFileSync(out.files[0], 'utf8'));
    assert.deepEqual(seen.hps, { eta: '0.1', num_round: '10' });
    assert.deepEqual(seen.fromFile, seen.hps);
    assert.equal(seen.rows, 40);
    assert.equal(seen.validation, join(work, 'channels', 'validation'));
    assert.equal(seen.hpEnv, '0.1');
    assert.deepEqual(JSON.parse(seen.channels), ['train', 'validation']);
  });

  it('a failing command fails with its exit code and last log lines', async () => {
    await assert.rejects(
      runCommandTrainer({ command: [process.execPath, script], channels: { train: channel('train', 3) }, hyperparameters: { fail: '3' }, workDir: join(work, 'job2') }),
      (err: unknown) => err instanceof TrainingCommandError && err.exitCode === 3 && err.lastLines.includes('about to fail') && /exited with code 3/.test(err.message),
    );
  });

  it('a command that writes no model, or cannot start, is an error saying so', async () => {
    await assert.rejects(runCommandTrainer({ command: [process.execPath, script], channels: { train: channel('train', 3) }, hyperparameters: { empty: '1' }, workDir: join(work, 'job3') }), /wrote nothing to SM_MODEL_DIR/);
    await assert.rejects(runCommandTrainer({ command: [join(work, 'no-such-trainer')], channels: {}, hyperparameters: {}, workDir: join(work, 'job4') }), /cannot start training command/);
    assert.ok(existsSync(join(work, 'job4', 'model')));
  });
});
