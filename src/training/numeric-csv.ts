import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DataError, type EncodedData } from '../data/index.js';

/**
 * Reads SageMaker XGBoost's CSV training format: no header, numbers only, the label in the first column,
 * an empty field is missing. A channel may be a file or a folder of files.
 */
export function readLabelFirstCsv(path: string): EncodedData {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => !f.startsWith('.'))
        .sort()
        .map((f) => join(path, f))
    : [path];
  if (!files.length) throw new DataError('the channel folder has no files', path);
  const xs: number[] = [];
  const ys: number[] = [];
  let cols = -1;
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split(/\r?\n/);
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      const cells = line.split(',');
      if (cols < 0) cols = cells.length - 1;
      if (cells.length - 1 !== cols) throw new DataError(`row has ${cells.length} fields, earlier rows have ${cols + 1}`, file, i + 1);
      const label = Number(cells[0]);
      if (cells[0].trim() === '' || !Number.isFinite(label)) throw new DataError(`label "${cells[0]}" is not a number (SageMaker's CSV format puts the label first, no header)`, file, i + 1);
      ys.push(label);
      for (let j = 1; j < cells.length; j++) {
        const c = cells[j].trim();
        const v = c === '' ? Number.NaN : Number(c);
        if (c !== '' && !Number.isFinite(v)) throw new DataError(`"${c}" is not a number`, file, i + 1, `column ${j + 1}`);
        xs.push(v);
      }
    });
  }
  if (!ys.length) throw new DataError('no data rows', path);
  return { x: Float32Array.from(xs), y: Float32Array.from(ys), rows: ys.length, cols };
}
