import type { FlatForest } from './model.js';

const f = Math.fround;
const BLOCK = 64;

/** Values per row in the transformed output: class probabilities for softprob, else one. */
export function outputWidth(forest: FlatForest): number {
  return forest.objective === 'multi:softprob' ? forest.numGroup : 1;
}

/**
 * Evaluates the forest on `rows` rows of `x` (row-major, `cols` wide, NaN = missing) and writes margins,
 * `rows × numGroup`, into `margins`. Arithmetic follows libxgboost's CPU predictor: float32 accumulation
 * per output group in tree order, starting from the base margin. No allocation.
 */
export function predictMargins(
  forest: FlatForest,
  x: Float32Array,
  rows: number,
  cols: number,
  margins: Float32Array,
  baseMargin?: ArrayLike<number>,
): void {
  const { left, right, splitIndex, value, missingChild, treeRoot, treeGroup, treeWeight, numGroup } = forest;
  const nTrees = treeRoot.length;
  if (numGroup === 1 && treeWeight === undefined) {
    // Rows in blocks, trees in the outer loop: a tree's nodes stay in cache while a block of rows walks it.
    // Each row still adds its leaves in tree order, so the float32 sums are libxgboost's exactly.
    for (let r = 0; r < rows; r++) margins[r] = baseMargin ? baseMargin[r] : forest.baseMargin;
    for (let start = 0; start < rows; start += BLOCK) {
      const end = start + BLOCK < rows ? start + BLOCK : rows;
      for (let t = 0; t < nTrees; t++) {
        const root = treeRoot[t];
        for (let r = start; r < end; r++) {
          const rowBase = r * cols;
          let n = root;
          while (left[n] !== -1) {
            const v = x[rowBase + splitIndex[n]];
            n = v !== v ? missingChild[n] : v < value[n] ? left[n] : right[n];
          }
          margins[r] = f(margins[r] + value[n]);
        }
      }
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    const rowBase = r * cols;
    const outBase = r * numGroup;
    for (let g = 0; g < numGroup; g++) margins[outBase + g] = baseMargin ? baseMargin[outBase + g] : forest.baseMargin;
    for (let t = 0; t < nTrees; t++) {
      let n = treeRoot[t];
      while (left[n] !== -1) {
        const v = x[rowBase + splitIndex[n]];
        n = v !== v ? missingChild[n] : v < value[n] ? left[n] : right[n];
      }
      const leaf = treeWeight === undefined ? value[n] : f(treeWeight[t] * value[n]);
      const o = outBase + treeGroup[t];
      margins[o] = f(margins[o] + leaf);
    }
  }
}

/**
 * Turns margins into predictions in place semantics of XGBoost's PredTransform (float32):
 * sigmoid for logistic objectives, exp for Poisson, softmax for softprob, argmax for softmax.
 * Writes `rows × outputWidth` values into `out` (may be the margins array when widths agree).
 */
export function transform(forest: FlatForest, margins: Float32Array, rows: number, out: Float32Array): void {
  const k = forest.numGroup;
  switch (forest.objective) {
    case 'binary:logistic':
    case 'reg:logistic':
      for (let i = 0; i < rows; i++) out[i] = f(1 / f(1 + f(Math.exp(-margins[i]))));
      return;
    case 'count:poisson':
      for (let i = 0; i < rows; i++) out[i] = f(Math.exp(margins[i]));
      return;
    case 'multi:softprob':
      for (let r = 0; r < rows; r++) {
        const b = r * k;
        let max = margins[b];
        for (let c = 1; c < k; c++) if (margins[b + c] > max) max = margins[b + c];
        let sum = 0;
        for (let c = 0; c < k; c++) {
          const e = f(Math.exp(f(margins[b + c] - max)));
          out[b + c] = e;
          sum = f(sum + e);
        }
        for (let c = 0; c < k; c++) out[b + c] = f(out[b + c] / sum);
      }
      return;
    case 'multi:softmax':
      for (let r = 0; r < rows; r++) {
        const b = r * k;
        let best = 0;
        for (let c = 1; c < k; c++) if (margins[b + c] > margins[b + best]) best = c;
        out[r] = best;
      }
      return;
    default:
      if (out !== margins) out.set(margins.subarray(0, rows));
  }
}
