import { readFileSync, statSync } from 'node:fs';

/** A CSV problem, located precisely: file, 1-based line, and column name when known. */
export class DataError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
    readonly column?: string,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ''}${column !== undefined ? ` (column "${column}")` : ''}: ${message}`);
    this.name = 'DataError';
  }
}

export interface CsvTable {
  file: string;
  header: string[];
  /** Cells as text; `lines[i]` is the 1-based file line of `rows[i]`. */
  rows: string[][];
  lines: number[];
}

/**
 * Reads a CSV file with a header row. Supports RFC 4180 quoting ("a,b", doubled quotes) and CRLF.
 * Every row must have as many cells as the header.
 */
export function readCsv(file: string): CsvTable {
  let text: string;
  try {
    if (statSync(file).isDirectory()) throw new DataError('is a directory, expected a CSV file', file);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof DataError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new DataError(code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? (err as Error).message})`, file);
  }
  return parseCsv(text, file);
}

export function parseCsv(text: string, file = '<input>'): CsvTable {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records = splitRecords(text, file);
  while (records.length && records[records.length - 1].cells.length === 1 && records[records.length - 1].cells[0] === '') records.pop();
  if (records.length === 0) throw new DataError('file is empty (expected a header row)', file);
  const header = records[0].cells.map((h) => h.trim());
  if (header.some((h) => h === '')) throw new DataError('header has an empty column name', file, records[0].line);
  const dup = header.find((h, i) => header.indexOf(h) !== i);
  if (dup) throw new DataError(`header names column "${dup}" twice`, file, records[0].line);
  const rows: string[][] = [];
  const lines: number[] = [];
  for (let i = 1; i < records.length; i++) {
    const r = records[i];
    if (r.cells.length === 1 && r.cells[0] === '') continue; // blank line
    if (r.cells.length !== header.length) {
      throw new DataError(`row has ${r.cells.length} fields, the header has ${header.length}`, file, r.line);
    }
    rows.push(r.cells);
    lines.push(r.line);
  }
  if (rows.length === 0) throw new DataError('file has a header but no data rows', file);
  return { file, header, rows, lines };
}

function splitRecords(text: string, file: string): { cells: string[]; line: number }[] {
  const out: { cells: string[]; line: number }[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      cells.push(cell);
      out.push({ cells, line: recordLine });
      cells = [];
      cell = '';
      if (ch === '\r' && text[i + 1] === '\n') i++;
      line++;
      recordLine = line;
    } else cell += ch;
    i++;
  }
  if (quoted) throw new DataError('a quoted field is not closed', file, recordLine);
  if (cell !== '' || cells.length) {
    cells.push(cell);
    out.push({ cells, line: recordLine });
  }
  return out;
}
