import { isMissing } from './encode.js';
import type { CsvTable } from './csv.js';

export interface SplitFractions {
  train: number;
  validation: number;
  test: number;
}

export const DEFAULT_SPLIT: SplitFractions = { train: 0.7, validation: 0.1, test: 0.2 };

export interface Split {
  train: number[];
  validation: number[];
  test: number[];
}

/** mulberry32: a small, well-known seedable PRNG; enough for shuffling. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Deterministic stratified split: rows are grouped by target value (class), each group is shuffled with the
 * seed and cut by the fractions, so every part keeps the class balance. Indices come back sorted.
 */
export function stratifiedSplit(table: CsvTable, target: string, seed = 42, fractions: SplitFractions = DEFAULT_SPLIT): Split {
  const sum = fractions.train + fractions.validation + fractions.test;
  if (Math.abs(sum - 1) > 1e-9 || fractions.train <= 0 || fractions.validation < 0 || fractions.test < 0) {
    throw new Error(`split fractions must be non-negative and add up to 1 (got ${fractions.train}/${fractions.validation}/${fractions.test})`);
  }
  const t = table.header.indexOf(target);
  if (t < 0) throw new Error(`no target column "${target}"`);
  const groups = new Map<string, number[]>();
  table.rows.forEach((row, i) => {
    const key = isMissing(row[t]) ? '' : row[t].trim();
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });
  const random = seededRandom(seed);
  const out: Split = { train: [], validation: [], test: [] };
  for (const key of [...groups.keys()].sort()) {
    const g = groups.get(key)!;
    for (let i = g.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [g[i], g[j]] = [g[j], g[i]];
    }
    const nTest = Math.round(g.length * fractions.test);
    const nVal = Math.round(g.length * fractions.validation);
    out.test.push(...g.slice(0, nTest));
    out.validation.push(...g.slice(nTest, nTest + nVal));
    out.train.push(...g.slice(nTest + nVal));
  }
  out.train.sort((a, b) => a - b);
  out.validation.sort((a, b) => a - b);
  out.test.sort((a, b) => a - b);
  return out;
}
