import { DataError, type CsvTable } from './csv.js';
import type { FeatureSchema, FeatureSpec, Task } from './schema.js';

export interface DatasetSpec {
  target: string;
  /** Feature columns in order; default: every column but the target and `drop`. */
  features?: string[];
  /** Columns whose values are categories (codes learned from the training data in order of first appearance). */
  categorical?: string[];
  /** Columns to ignore. */
  drop?: string[];
  /** Fixed category codes for some categorical columns (code = index), instead of learning them from the rows. */
  categories?: Record<string, string[]>;
  task: Task;
}

const MISSING = new Set(['', 'na', 'nan', 'null', 'none']);

export function isMissing(cell: string): boolean {
  return MISSING.has(cell.trim().toLowerCase());
}

/** Learns the feature schema (column order, category codes, class labels) from a training table. */
export function fitSchema(table: CsvTable, spec: DatasetSpec): FeatureSchema {
  const col = (name: string): number => {
    const i = table.header.indexOf(name);
    if (i < 0) throw new DataError(`no column "${name}" (columns: ${table.header.join(', ')})`, table.file, undefined, name);
    return i;
  };
  const targetIndex = col(spec.target);
  const drop = new Set(spec.drop ?? []);
  const names = spec.features ?? table.header.filter((h) => h !== spec.target && !drop.has(h));
  const categorical = new Set(spec.categorical ?? []);
  for (const c of categorical) if (!names.includes(c)) col(c);
  const features: FeatureSpec[] = names.map((name) => {
    const i = col(name);
    if (!categorical.has(name)) return { name, kind: 'numeric' };
    const fixed = spec.categories?.[name];
    if (fixed) return { name, kind: 'categorical', categories: [...fixed] };
    const categories: string[] = [];
    for (const row of table.rows) {
      const v = row[i].trim();
      if (!isMissing(v) && !categories.includes(v)) categories.push(v);
    }
    return { name, kind: 'categorical', categories };
  });
  const schema: FeatureSchema = { features, target: spec.target, task: spec.task };
  if (spec.task !== 'regression') {
    const labels: string[] = [];
    table.rows.forEach((row, r) => {
      const v = row[targetIndex].trim();
      if (isMissing(v)) throw new DataError('target value is missing', table.file, table.lines[r], spec.target);
      if (!labels.includes(v)) labels.push(v);
    });
    const numeric = labels.every((l) => /^-?\d+$/.test(l));
    schema.classes = numeric ? labels.sort((a, b) => Number(a) - Number(b)) : labels.sort();
    if (spec.task === 'binary' && schema.classes.length !== 2) {
      throw new DataError(`binary target needs exactly 2 classes, found ${schema.classes.length} (${schema.classes.slice(0, 5).join(', ')})`, table.file, undefined, spec.target);
    }
  }
  return schema;
}

export interface EncodedData {
  /** Row-major float32 features, NaN = missing. */
  x: Float32Array;
  /** Targets: class index for classifiers, the value for regression. */
  y: Float32Array;
  rows: number;
  cols: number;
}

/** Encodes table rows (all, or the given indices) with a schema; every bad cell is reported with file, line, column. */
export function encodeTable(table: CsvTable, schema: FeatureSchema, indices?: readonly number[]): EncodedData {
  const idx = indices ?? table.rows.map((_, i) => i);
  const cols = schema.features.length;
  const x = new Float32Array(idx.length * cols);
  const y = new Float32Array(idx.length);
  const positions = schema.features.map((f) => {
    const p = table.header.indexOf(f.name);
    if (p < 0) throw new DataError(`no column "${f.name}" (the model's feature schema needs it)`, table.file, undefined, f.name);
    return p;
  });
  const targetPos = table.header.indexOf(schema.target);
  if (targetPos < 0) throw new DataError(`no target column "${schema.target}"`, table.file, undefined, schema.target);
  const codes = schema.features.map((f) => (f.kind === 'categorical' ? new Map(f.categories.map((c, i) => [c, i])) : null));
  const classIndex = schema.classes ? new Map(schema.classes.map((c, i) => [c, i])) : null;
  idx.forEach((r, out) => {
    const row = table.rows[r];
    const line = table.lines[r];
    for (let j = 0; j < cols; j++) {
      const cell = row[positions[j]].trim();
      const name = schema.features[j].name;
      let value: number;
      if (isMissing(cell)) value = Number.NaN;
      else if (codes[j]) {
        const code = codes[j]!.get(cell);
        if (code === undefined) throw new DataError(`category "${cell}" was not seen in training (known: ${[...codes[j]!.keys()].join(', ')})`, table.file, line, name);
        value = code;
      } else {
        value = Number(cell);
        if (!Number.isFinite(value)) throw new DataError(`"${cell}" is not a number`, table.file, line, name);
      }
      x[out * cols + j] = value;
    }
    const t = row[targetPos].trim();
    if (isMissing(t)) throw new DataError('target value is missing', table.file, line, schema.target);
    if (classIndex) {
      const c = classIndex.get(t);
      if (c === undefined) throw new DataError(`class "${t}" was not seen in training`, table.file, line, schema.target);
      y[out] = c;
    } else {
      const v = Number(t);
      if (!Number.isFinite(v)) throw new DataError(`target "${t}" is not a number`, table.file, line, schema.target);
      y[out] = v;
    }
  });
  return { x, y, rows: idx.length, cols };
}

/** A sha256 over the rows used, so a model records exactly what it was trained on. */
export async function fingerprint(table: CsvTable, indices: readonly number[]): Promise<string> {
  const { createHash } = await import('node:crypto');
  const h = createHash('sha256');
  h.update(table.header.join(',') + '\n');
  for (const i of indices) h.update(table.rows[i].join(',') + '\n');
  return h.digest('hex');
}
