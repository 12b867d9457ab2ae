import type { EncodedData, FeatureSchema } from '../data/index.js';
import { Booster, DMatrix } from './libxgboost.js';
import { boosterParams, defaultEvalMetric, type Hyperparameters } from './hyperparameters.js';
import { binaryMetrics, multiclassMetrics, regressionMetrics, type ClassificationMetrics, type RegressionMetrics } from './metrics.js';

export interface TrainInput {
  train: EncodedData;
  validation?: EncodedData;
  test?: EncodedData;
  schema: FeatureSchema;
  hyperparameters: Hyperparameters;
  /** Called after every round with XGBoost's evaluation line. */
  onRound?: (round: number, total: number, evalLine: string | undefined) => void;
}

export interface TrainOutput {
  /** The model in XGBoost's JSON format. */
  model: Buffer;
  rounds: number;
  bestIteration?: number;
  evalLog: string[];
  metrics?: ClassificationMetrics | RegressionMetrics;
}

const MAXIMIZE = new Set(['auc', 'map', 'ndcg', 'aucpr']);

function dmatrix(d: EncodedData): DMatrix {
  return new DMatrix(d.x, d.rows, d.cols, d.y);
}

/** Trains with libxgboost round by round, evaluating on the validation set, with optional early stopping. */
export function trainXgboost(input: TrainInput): TrainOutput {
  const hp = input.hyperparameters;
  const metric = hp.eval_metric ?? defaultEvalMetric(hp.objective);
  const train = dmatrix(input.train);
  const validation = input.validation && input.validation.rows > 0 ? dmatrix(input.validation) : undefined;
  const booster = new Booster(validation ? [train, validation] : [train]);
  const evalLog: string[] = [];
  let bestScore = Number.NaN;
  let bestIteration: number | undefined;
  try {
    for (const [k, v] of boosterParams(hp)) booster.setParam(k, v);
    if (hp.eval_metric === undefined) booster.setParam('eval_metric', metric);
    let round = 0;
    for (; round < hp.num_round; round++) {
      booster.updateOneIter(round, train);
      let line: string | undefined;
      if (validation) {
        line = booster.evalOneIter(round, [{ name: 'validation', data: validation }]);
        evalLog.push(line);
        const score = Number(line.split(':').pop());
        const better = Number.isNaN(bestScore) || (MAXIMIZE.has(metric) ? score > bestScore : score < bestScore);
        if (better) {
          bestScore = score;
          bestIteration = round;
        }
      }
      input.onRound?.(round + 1, hp.num_round, line);
      if (hp.early_stopping_rounds !== undefined && bestIteration !== undefined && round - bestIteration >= hp.early_stopping_rounds) {
        round++;
        break;
      }
    }
    let final = booster;
    const stoppedEarly = hp.early_stopping_rounds !== undefined && bestIteration !== undefined && bestIteration + 1 < round;
    if (stoppedEarly) final = booster.slice(0, bestIteration! + 1);
    try {
      const model = final.saveJson();
      const metrics = input.test && input.test.rows > 0 ? evaluate(final, input.test, input.schema, hp) : undefined;
      return { model, rounds: final.boostedRounds(), bestIteration: hp.early_stopping_rounds !== undefined ? bestIteration : undefined, evalLog, metrics };
    } finally {
      if (final !== booster) final.free();
    }
  } finally {
    booster.free();
    train.free();
    validation?.free();
  }
}

function evaluate(booster: Booster, data: EncodedData, schema: FeatureSchema, hp: Hyperparameters): ClassificationMetrics | RegressionMetrics {
  const d = new DMatrix(data.x, data.rows, data.cols);
  try {
    const { values } = booster.predict(d);
    if (hp.objective === 'multi:softprob') return multiclassMetrics(values, data.y, hp.num_class!);
    if (hp.objective === 'multi:softmax') {
      const k = hp.num_class!;
      const probs = new Float32Array(data.rows * k);
      for (let i = 0; i < data.rows; i++) probs[i * k + values[i]] = 1;
      return multiclassMetrics(probs, data.y, k);
    }
    if (schema.task === 'binary' && hp.objective !== 'binary:logitraw') return binaryMetrics(values, data.y);
    return regressionMetrics(values, data.y);
  } finally {
    d.free();
  }
}
