import type { FeatureSchema } from '../../data/schema.js';
import { PayloadError } from '../types.js';
import { codecOf, MAX_PAYLOAD_BYTES, mediaType, type Codec } from './content-type.js';

/** A reusable row buffer: grows when a request needs more, never shrinks. One per loaded model. */
export class RowBuffer {
  data = new Float32Array(64);
  ensure(size: number): Float32Array {
    if (this.data.length < size) {
      // rows decoded so far are kept: the CSV decoder grows the buffer while it reads
      const grown = new Float32Array(Math.max(size, this.data.length * 2));
      grown.set(this.data);
      this.data = grown;
    }
    return this.data;
  }
}

export interface Decoded {
  codec: Codec;
  rows: number;
  /** Row-major features in the RowBuffer (valid until the next decode on it). */
  x: Float32Array;
}

/**
 * Decodes a request body into feature rows of width `cols`:
 * text/csv (rows, no header, empty field = missing), application/json (`{"instances": [...]}`, a list, or one record;
 * a row is a list of numbers or a named record encoded with the feature schema), application/jsonlines (one row or record per line).
 */
export function decodeRequest(body: Buffer, contentTypeHeader: string, cols: number, schema: FeatureSchema | undefined, buffer: RowBuffer): Decoded {
  if (body.length > MAX_PAYLOAD_BYTES) throw new PayloadError(`request body is ${body.length} bytes; the limit is ${MAX_PAYLOAD_BYTES} (6 MB)`, 413);
  const type = mediaType(contentTypeHeader);
  const codec = codecOf(type);
  if (!codec) throw new PayloadError(`content type "${contentTypeHeader || '(none)'}" is not supported; use text/csv, application/json or application/jsonlines`, 415);
  if (body.length === 0) throw new PayloadError('request body is empty');
  if (codec === 'csv') return decodeCsv(body.toString('latin1'), cols, buffer);
  const text = body.toString('utf8');
  if (codec === 'json') {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new PayloadError(`body is not valid JSON: ${(err as Error).message}`);
    }
    let items: unknown[];
    if (Array.isArray(doc)) items = doc.length > 0 && typeof doc[0] === 'number' ? [doc] : doc;
    else if (doc && typeof doc === 'object' && Array.isArray((doc as { instances?: unknown }).instances)) items = (doc as { instances: unknown[] }).instances;
    else if (doc && typeof doc === 'object' && Array.isArray((doc as { features?: unknown }).features)) items = [(doc as { features: unknown[] }).features];
    else if (doc && typeof doc === 'object') items = [doc];
    else throw new PayloadError('JSON body must be {"instances": [...]}, a list of rows or records, or one record');
    return fillRows(items, cols, schema, buffer, 'json', (i) => `instance ${i}`);
  }
  const lines = text.split('\n');
  const items: unknown[] = [];
  const lineNumbers: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    try {
      const v = JSON.parse(line);
      items.push(v && typeof v === 'object' && !Array.isArray(v) && Array.isArray(v.features) ? v.features : v);
      lineNumbers.push(i + 1);
    } catch (err) {
      throw new PayloadError(`line ${i + 1}: not valid JSON: ${(err as Error).message}`);
    }
  }
  return fillRows(items, cols, schema, buffer, 'jsonlines', (i) => `line ${lineNumbers[i]}`);
}

function decodeCsv(text: string, cols: number, buffer: RowBuffer): Decoded {
  let rows = 0;
  let x = buffer.ensure(cols * 4);
  let pos = 0;
  const n = text.length;
  while (pos < n) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = n;
    let lineEnd = end;
    if (lineEnd > pos && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    if (lineEnd > pos) {
      x = buffer.ensure((rows + 1) * cols);
      let field = 0;
      let start = pos;
      for (let i = pos; i <= lineEnd; i++) {
        if (i === lineEnd || text.charCodeAt(i) === 44) {
          if (field >= cols) throw new PayloadError(`record ${rows + 1}: has more than ${cols} features`);
          x[rows * cols + field] = parseField(text, start, i, rows, field);
          field++;
          start = i + 1;
        }
      }
      if (field !== cols) throw new PayloadError(`record ${rows + 1}: has ${field} features, the model expects ${cols}`);
      rows++;
    }
    pos = end + 1;
  }
  if (rows === 0) throw new PayloadError('request body has no records');
  return { codec: 'csv', rows, x };
}

function parseField(text: string, start: number, end: number, row: number, field: number): number {
  while (start < end && text.charCodeAt(start) === 32) start++;
  while (end > start && text.charCodeAt(end - 1) === 32) end--;
  if (start === end) return Number.NaN;
  const s = text.slice(start, end);
  const v = Number(s);
  if (v !== v) {
    const lower = s.toLowerCase();
    if (lower === 'nan' || lower === 'na' || lower === 'null') return Number.NaN;
    throw new PayloadError(`record ${row + 1}, feature ${field + 1}: "${s}" is not a number`);
  }
  return v;
}

function fillRows(items: unknown[], cols: number, schema: FeatureSchema | undefined, buffer: RowBuffer, codec: Codec, where: (i: number) => string): Decoded {
  if (items.length === 0) throw new PayloadError('request has no records');
  const x = buffer.ensure(items.length * cols);
  for (let r = 0; r < items.length; r++) {
    const item = items[r];
    const base = r * cols;
    if (Array.isArray(item)) {
      if (item.length !== cols) throw new PayloadError(`${where(r)}: has ${item.length} features, the model expects ${cols}`);
      for (let j = 0; j < cols; j++) {
        const v = item[j];
        if (v === null) x[base + j] = Number.NaN;
        else if (typeof v === 'number') x[base + j] = v;
        else if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) x[base + j] = Number(v);
        else throw new PayloadError(`${where(r)}, feature ${j + 1}: ${JSON.stringify(v)} is not a number`);
      }
    } else if (item && typeof item === 'object') {
      if (!schema) throw new PayloadError(`${where(r)}: named records need a model with a feature schema; send rows of numbers instead`);
      encodeRecord(item as Record<string, unknown>, schema, x, base, where(r));
    } else {
      throw new PayloadError(`${where(r)}: expected a list of numbers or a record, got ${JSON.stringify(item)}`);
    }
  }
  return { codec, rows: items.length, x };
}

/** Encodes a named record with the feature schema (categories to codes, null/missing to NaN). */
export function encodeRecord(record: Record<string, unknown>, schema: FeatureSchema, x: Float32Array, base: number, where: string): void {
  const features = schema.features;
  for (const key of Object.keys(record)) {
    if (key === schema.target) continue;
    if (!features.some((f) => f.name === key)) {
      throw new PayloadError(`${where}: unknown feature "${key}" (the model's features: ${features.map((f) => f.name).join(', ')})`);
    }
  }
  for (let j = 0; j < features.length; j++) {
    const spec = features[j];
    const v = record[spec.name];
    if (v === undefined || v === null || v === '') {
      x[base + j] = Number.NaN;
    } else if (spec.kind === 'categorical') {
      const code = spec.categories.indexOf(String(v));
      if (code < 0) throw new PayloadError(`${where}, feature "${spec.name}": category ${JSON.stringify(v)} is unknown (known: ${spec.categories.join(', ')})`);
      x[base + j] = code;
    } else {
      const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
      if (!Number.isFinite(n)) throw new PayloadError(`${where}, feature "${spec.name}": ${JSON.stringify(v)} is not a number`);
      x[base + j] = n;
    }
  }
}
