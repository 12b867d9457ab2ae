/** Evaluation metrics on held-out data. */

export interface ClassificationMetrics {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  auc: number;
  logloss: number;
  /** [[tn, fp], [fn, tp]] for binary; [actual][predicted] for multiclass. */
  confusion: number[][];
  n: number;
}

export interface RegressionMetrics {
  rmse: number;
  mae: number;
  r2: number;
  n: number;
}

const EPS = 1e-15;

/** Binary metrics from positive-class probabilities and 0/1 labels (threshold 0.5). */
export function binaryMetrics(scores: ArrayLike<number>, labels: ArrayLike<number>): ClassificationMetrics {
  const n = labels.length;
  let tp = 0, fp = 0, tn = 0, fn = 0, ll = 0;
  for (let i = 0; i < n; i++) {
    const p = scores[i];
    const y = labels[i];
    const pred = p >= 0.5 ? 1 : 0;
    if (pred === 1 && y === 1) tp++;
    else if (pred === 1) fp++;
    else if (y === 1) fn++;
    else tn++;
    const q = Math.min(Math.max(p, EPS), 1 - EPS);
    ll -= y === 1 ? Math.log(q) : Math.log(1 - q);
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  return {
    accuracy: (tp + tn) / n,
    precision,
    recall,
    f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
    auc: rocAuc(scores, labels),
    logloss: ll / n,
    confusion: [
      [tn, fp],
      [fn, tp],
    ],
    n,
  };
}

/** ROC AUC by the rank-sum (Mann–Whitney) formula with average ranks for ties. NaN if one class is absent. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]] === 1) {
        positives++;
        rankSum += avgRank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Multiclass metrics from row-major probabilities [n × k]; precision/recall/F1 are macro averages, AUC one-vs-rest macro. */
export function multiclassMetrics(probs: ArrayLike<number>, labels: ArrayLike<number>, k: number): ClassificationMetrics {
  const n = labels.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let ll = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + best]) best = c;
    confusion[labels[i]][best]++;
    ll -= Math.log(Math.min(Math.max(probs[i * k + labels[i]], EPS), 1));
  }
  let correct = 0, precisionSum = 0, recallSum = 0, f1Sum = 0, aucSum = 0, aucCount = 0;
  for (let c = 0; c < k; c++) {
    correct += confusion[c][c];
    const predicted = confusion.reduce((s, row) => s + row[c], 0);
    const actual = confusion[c].reduce((s, v) => s + v, 0);
    const p = predicted ? confusion[c][c] / predicted : 0;
    const r = actual ? confusion[c][c] / actual : 0;
    precisionSum += p;
    recallSum += r;
    f1Sum += p + r ? (2 * p * r) / (p + r) : 0;
    const scores = Array.from({ length: n }, (_, i) => probs[i * k + c]);
    const auc = rocAuc(scores, Array.from({ length: n }, (_, i) => (labels[i] === c ? 1 : 0)));
    if (!Number.isNaN(auc)) {
      aucSum += auc;
      aucCount++;
    }
  }
  return {
    accuracy: correct / n,
    precision: precisionSum / k,
    recall: recallSum / k,
    f1: f1Sum / k,
    auc: aucCount ? aucSum / aucCount : Number.NaN,
    logloss: ll / n,
    confusion,
    n,
  };
}

export function regressionMetrics(predictions: ArrayLike<number>, targets: ArrayLike<number>): RegressionMetrics {
  const n = targets.length;
  let se = 0, ae = 0, mean = 0;
  for (let i = 0; i < n; i++) mean += targets[i];
  mean /= n;
  let tss = 0;
  for (let i = 0; i < n; i++) {
    const d = predictions[i] - targets[i];
    se += d * d;
    ae += Math.abs(d);
    tss += (targets[i] - mean) ** 2;
  }
  return { rmse: Math.sqrt(se / n), mae: ae / n, r2: tss ? 1 - se / tss : Number.NaN, n };
}
