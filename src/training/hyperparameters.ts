import { z } from 'zod';

/** The XGBoost hyperparameters splitserve accepts, by XGBoost's own names, with XGBoost's ranges. */
const OBJECTIVES = ['binary:logistic', 'binary:logitraw', 'reg:squarederror', 'reg:logistic', 'count:poisson', 'multi:softprob', 'multi:softmax'] as const;

const num = (min: number, max: number, opts: { minOpen?: boolean } = {}) =>
  z.coerce.number().refine((v) => Number.isFinite(v) && (opts.minOpen ? v > min : v >= min) && v <= max, {
    message: `must be a number in ${opts.minOpen ? '(' : '['}${min}, ${max === Infinity ? '∞)' : max + ']'}`,
  });
const int = (min: number, max: number) =>
  z.coerce.number().refine((v) => Number.isInteger(v) && v >= min && v <= max, {
    message: `must be a whole number in [${min}, ${max === Infinity ? '∞)' : max + ']'}`,
  });

export const hyperparameterSchema = z
  .object({
    objective: z.enum(OBJECTIVES).default('binary:logistic'),
    num_round: int(1, 100_000).default(100),
    max_depth: int(0, 64).default(6),
    eta: num(0, 1, { minOpen: true }).default(0.3),
    subsample: num(0, 1, { minOpen: true }).default(1),
    colsample_bytree: num(0, 1, { minOpen: true }).default(1),
    min_child_weight: num(0, Infinity).default(1),
    lambda: num(0, Infinity).default(1),
    alpha: num(0, Infinity).default(0),
    gamma: num(0, Infinity).default(0),
    scale_pos_weight: num(0, Infinity, { minOpen: true }).default(1),
    num_class: int(2, 10_000).optional(),
    seed: int(0, 2 ** 31 - 1).default(0),
    eval_metric: z.enum(['logloss', 'error', 'auc', 'rmse', 'mae', 'mlogloss', 'merror', 'poisson-nloglik']).optional(),
    early_stopping_rounds: int(1, 100_000).optional(),
    tree_method: z.enum(['exact', 'approx', 'hist']).default('exact'),
    booster: z.enum(['gbtree', 'dart']).default('gbtree'),
    rate_drop: num(0, 1).optional(),
    base_score: num(-Infinity, Infinity).optional(),
  })
  .strict();

export type Hyperparameters = z.infer<typeof hyperparameterSchema>;

export class HyperparameterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HyperparameterError';
  }
}

/** Validates hyperparameters given as strings or numbers (CLI, SageMaker's HyperParameters map). */
export function parseHyperparameters(raw: Record<string, unknown>): Hyperparameters {
  const result = hyperparameterSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return `unknown hyperparameter${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (known: ${Object.keys(hyperparameterSchema.shape).join(', ')})`;
      }
      const name = issue.path.join('.');
      return `${name} = ${JSON.stringify(raw[name])}: ${issue.message}`;
    });
    throw new HyperparameterError(`invalid hyperparameters: ${problems.join('; ')}`);
  }
  const hp = result.data;
  if (hp.objective.startsWith('multi:') && hp.num_class === undefined) {
    throw new HyperparameterError(`objective ${hp.objective} needs num_class (the number of classes)`);
  }
  return hp;
}

/** The parameters passed to XGBoosterSetParam (everything but the training-loop settings). */
export function boosterParams(hp: Hyperparameters): [string, string][] {
  const skip = new Set(['num_round', 'early_stopping_rounds']);
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(hp)) {
    if (v === undefined || skip.has(k)) continue;
    out.push([k, String(v)]);
  }
  out.push(['nthread', '1']); // deterministic and byte-identical across runs
  out.push(['verbosity', '0']);
  return out;
}

export function defaultEvalMetric(objective: string): string {
  if (objective.startsWith('multi:')) return 'mlogloss';
  if (objective.startsWith('binary:') || objective === 'reg:logistic') return 'logloss';
  if (objective === 'count:poisson') return 'poisson-nloglik';
  return 'rmse';
}
