/**
 * Training time of both seed variants through libxgboost (koffi), against the same training done by XGBoost's
 * own Python package (Debian python3-xgboost, same libxgboost) on the same encoded rows, in the same run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { prepareTitanic, SEED_VARIANTS } from '../src/training/pipeline.js';
import { parseHyperparameters } from '../src/training/hyperparameters.js';
import { trainXgboost } from '../src/training/xgboost-trainer.js';
import { QUICK, summarize, table } from './util.js';

export async function run(): Promise<void> {
  const reps = QUICK ? 1 : 7;
  const data = await prepareTitanic();
  const rows: (string | number)[][] = [];
  for (const [name, params] of Object.entries(SEED_VARIANTS)) {
    const hyperparameters = parseHyperparameters(params);
    const ms: number[] = [];
    let accuracy = NaN;
    for (let r = 0; r < reps; r++) {
      const t = performance.now();
      const out = trainXgboost({ train: data.train, validation: data.validation, test: data.test, schema: data.schema, hyperparameters });
      ms.push(performance.now() - t);
      accuracy = out.metrics && 'accuracy' in out.metrics ? out.metrics.accuracy : NaN;
    }
    const py = pythonTrainMs(data, params, reps);
    const s = summarize(ms);
    rows.push([name, params.num_round, params.max_depth, s.median, s.min, py ?? 'n/a', py ? py / s.median : 'n/a', accuracy]);
  }
  table(`Training on ${data.train.rows} Titanic rows (${reps} runs each, nthread 1)`, ['variant', 'rounds', 'depth', 'median ms', 'min ms', 'python xgboost median ms', 'python / splitserve', 'test accuracy'], rows);
}

function pythonTrainMs(data: Awaited<ReturnType<typeof prepareTitanic>>, params: Record<string, unknown>, reps: number): number | undefined {
  if (!existsSync('/usr/bin/python3')) return undefined;
  const script = `
import json, sys, time, statistics
import numpy as np, xgboost as xgb
d = json.load(sys.stdin)
x = np.array(d['x'], dtype=np.float32).reshape(d['rows'], d['cols'])
dtrain = xgb.DMatrix(x, label=np.array(d['y']), missing=np.nan)
p = d['params']
rounds = p.pop('num_round')
p.update({'nthread': 1, 'seed': 0, 'verbosity': 0})
times = []
for _ in range(d['reps']):
    t = time.perf_counter()
    xgb.train(p, dtrain, num_boost_round=rounds)
    times.append((time.perf_counter() - t) * 1000)
print(statistics.median(times))
`;
  try {
    const x = Array.from(data.train.x, (v) => (Number.isNaN(v) ? null : v));
    const out = execFileSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify({ x, y: Array.from(data.train.y), rows: data.train.rows, cols: data.train.cols, params: { ...params }, reps }), encoding: 'utf8' });
    return Number(out.trim());
  } catch {
    return undefined;
  }
}
