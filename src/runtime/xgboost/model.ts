/**
 * XGBoost's JSON model format (XGBoost 1.x and 2.x) loaded into flat typed arrays.
 * All trees' nodes are concatenated; child indices are global; a leaf has left = -1 and its value in `value`.
 */

export type Objective =
  | 'binary:logistic'
  | 'binary:logitraw'
  | 'reg:squarederror'
  | 'reg:linear'
  | 'reg:logistic'
  | 'count:poisson'
  | 'multi:softprob'
  | 'multi:softmax';

const SUPPORTED = new Set<string>(['binary:logistic', 'binary:logitraw', 'reg:squarederror', 'reg:linear', 'reg:logistic', 'count:poisson', 'multi:softprob', 'multi:softmax']);

export interface FlatForest {
  objective: Objective;
  numFeature: number;
  /** Output groups: 1, or the number of classes. */
  numGroup: number;
  /** base_score in margin space, float32. */
  baseMargin: number;
  treeRoot: Int32Array;
  treeGroup: Int32Array;
  /** dart: per-tree weight; gbtree: undefined. */
  treeWeight: Float32Array | undefined;
  left: Int32Array;
  right: Int32Array;
  splitIndex: Int32Array;
  /** Split threshold for inner nodes, leaf value for leaves. */
  value: Float32Array;
  defaultLeft: Uint8Array;
  /** The child a missing value goes to (left or right by default_left), so the hot loop needs one lookup. */
  missingChild: Int32Array;
  booster: 'gbtree' | 'dart';
  featureNames: string[];
}

export class ModelFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFormatError';
  }
}

interface JsonTree {
  left_children: number[];
  right_children: number[];
  split_indices: number[];
  split_conditions: number[];
  default_left: (number | boolean)[];
  split_type?: number[];
  categories_nodes?: number[];
}

/** base_score is a string: "5E-1" (1.x) or "[5E-1]" (2.x, one per target). */
function parseBaseScore(raw: unknown): number {
  if (typeof raw === 'number') return raw;
  const s = String(raw ?? '0.5').replace(/^\[|\]$/g, '').split(',')[0];
  const v = Number(s);
  if (!Number.isFinite(v)) throw new ModelFormatError(`base_score "${raw}" is not a number`);
  return v;
}

const f = Math.fround;

/** XGBoost's ObjFunction::ProbToMargin, in float32 as XGBoost computes it. */
function probToMargin(objective: Objective, baseScore: number): number {
  switch (objective) {
    // binary:logitraw keeps base_score as the margin (libxgboost's LogisticRaw), unlike the logistic objectives.
    case 'binary:logistic':
    case 'reg:logistic':
      return f(-Math.log(f(f(1 / f(baseScore)) - 1)));
    case 'count:poisson':
      return f(Math.log(f(baseScore)));
    default:
      return f(baseScore);
  }
}

export function parseXgboostJson(text: string | Buffer, source = 'model'): FlatForest {
  let doc: { learner?: Record<string, any>; version?: number[] };
  try {
    doc = JSON.parse(typeof text === 'string' ? text : text.toString('utf8'));
  } catch (err) {
    throw new ModelFormatError(`${source}: not XGBoost's JSON model format (${(err as Error).message})`);
  }
  const learner = doc.learner;
  if (!learner || typeof learner !== 'object') throw new ModelFormatError(`${source}: no "learner" object; not an XGBoost JSON model`);
  const objectiveName = String(learner.objective?.name ?? '');
  if (!SUPPORTED.has(objectiveName)) {
    throw new ModelFormatError(`${source}: objective "${objectiveName}" is not supported (supported: ${[...SUPPORTED].join(', ')})`);
  }
  const objective = objectiveName as Objective;
  const gb = learner.gradient_booster ?? {};
  let booster: 'gbtree' | 'dart';
  let model: Record<string, any>;
  let weights: number[] | undefined;
  if (gb.name === 'gbtree') {
    booster = 'gbtree';
    model = gb.model;
  } else if (gb.name === 'dart') {
    booster = 'dart';
    model = gb.gbtree?.model;
    weights = gb.weight_drop;
  } else {
    throw new ModelFormatError(`${source}: booster "${gb.name}" is not supported (gbtree and dart are)`);
  }
  if (!model || !Array.isArray(model.trees)) throw new ModelFormatError(`${source}: no trees in the model`);
  const trees = model.trees as JsonTree[];
  const treeInfo: number[] = model.tree_info ?? trees.map(() => 0);
  const mp = learner.learner_model_param ?? {};
  const numClass = Number(mp.num_class ?? 0);
  const numGroup = Math.max(1, numClass);
  const numFeature = Number(mp.num_feature ?? 0);
  if (weights && weights.length !== trees.length) throw new ModelFormatError(`${source}: dart weight_drop has ${weights.length} weights for ${trees.length} trees`);

  let total = 0;
  trees.forEach((t, i) => {
    if ((t.categories_nodes?.length ?? 0) > 0 || (t.split_type ?? []).some((s) => s !== 0)) {
      throw new ModelFormatError(`${source}: tree ${i} uses categorical splits, which splitserve's evaluator does not support; retrain with numeric (one-hot or code) features`);
    }
    total += t.left_children.length;
  });
  const left = new Int32Array(total);
  const right = new Int32Array(total);
  const splitIndex = new Int32Array(total);
  const value = new Float32Array(total);
  const defaultLeft = new Uint8Array(total);
  const treeRoot = new Int32Array(trees.length);
  const treeGroup = new Int32Array(trees.length);
  let offset = 0;
  trees.forEach((t, i) => {
    treeRoot[i] = offset;
    treeGroup[i] = treeInfo[i] ?? 0;
    if (treeGroup[i] >= numGroup) throw new ModelFormatError(`${source}: tree ${i} is for output group ${treeGroup[i]} but the model has ${numGroup}`);
    const n = t.left_children.length;
    for (let j = 0; j < n; j++) {
      const l = t.left_children[j];
      const idx = offset + j;
      if (l === -1) {
        left[idx] = -1;
        right[idx] = -1;
      } else {
        if (l < 0 || l >= n || t.right_children[j] < 0 || t.right_children[j] >= n) throw new ModelFormatError(`${source}: tree ${i} node ${j} has a child out of range`);
        left[idx] = offset + l;
        right[idx] = offset + t.right_children[j];
        splitIndex[idx] = t.split_indices[j];
        if (numFeature && t.split_indices[j] >= numFeature) throw new ModelFormatError(`${source}: tree ${i} splits on feature ${t.split_indices[j]}, the model has ${numFeature}`);
      }
      value[idx] = t.split_conditions[j];
      defaultLeft[idx] = t.default_left[j] ? 1 : 0;
    }
    offset += n;
  });
  const missingChild = new Int32Array(total);
  for (let i = 0; i < total; i++) missingChild[i] = defaultLeft[i] === 1 ? left[i] : right[i];
  return {
    objective,
    numFeature,
    numGroup,
    baseMargin: probToMargin(objective, parseBaseScore(mp.base_score)),
    treeRoot,
    treeGroup,
    treeWeight: weights ? Float32Array.from(weights) : undefined,
    left,
    right,
    splitIndex,
    value,
    defaultLeft,
    missingChild,
    booster,
    featureNames: Array.isArray(learner.feature_names) ? learner.feature_names : [],
  };
}
