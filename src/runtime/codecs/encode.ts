import { PayloadError } from '../types.js';
import { codecOf, CSV, JSON_TYPE, JSONLINES, mediaType, type Codec } from './content-type.js';

export interface Predictions {
  rows: number;
  /** Values per row: 1, or the number of classes for class probabilities. */
  width: number;
  values: Float32Array;
  /** Class labels by index, for classifiers. */
  classes?: string[];
  /** Binary classifiers: the score is P(positive) and the label is decided at 0.5. */
  binary: boolean;
  /** multi:softmax outputs a class index rather than a score. */
  classIndexOutput?: boolean;
}

/** Picks the response codec: the Accept header when it names one we speak, else the request's. */
export function responseCodec(accept: string | undefined, requestCodec: Codec): Codec {
  if (!accept) return requestCodec;
  let sawWildcard = false;
  for (const part of accept.split(',')) {
    const type = mediaType(part);
    const codec = codecOf(type);
    if (codec) return codec;
    if (type === '*/*' || type === '') sawWildcard = true;
  }
  if (sawWildcard) return requestCodec;
  throw new PayloadError(`Accept "${accept}" is not supported; use text/csv, application/json or application/jsonlines`, 406);
}

export function contentTypeOf(codec: Codec): string {
  return codec === 'csv' ? CSV : codec === 'json' ? JSON_TYPE : JSONLINES;
}

function recordJson(p: Predictions, r: number): string {
  if (p.width > 1) {
    let best = 0;
    const probs: number[] = [];
    for (let c = 0; c < p.width; c++) {
      const v = p.values[r * p.width + c];
      probs.push(v);
      if (v > probs[best]) best = c;
    }
    return JSON.stringify({ scores: probs, score: probs[best], label: p.classes?.[best] ?? best });
  }
  const v = p.values[r];
  if (p.classIndexOutput) return JSON.stringify({ label: p.classes?.[v] ?? v, score: v });
  if (p.binary) return `{"score":${v},"label":${JSON.stringify(p.classes?.[v >= 0.5 ? 1 : 0] ?? (v >= 0.5 ? 1 : 0))}}`;
  return `{"score":${v}}`;
}

/** Encodes predictions: CSV one line per record (class probabilities comma-separated), JSON {"predictions": [...]}, JSON Lines. */
export function encodeResponse(p: Predictions, codec: Codec): string {
  if (codec === 'csv') {
    if (p.rows === 1 && p.width === 1) return String(p.values[0]);
    let out = '';
    for (let r = 0; r < p.rows; r++) {
      if (r > 0) out += '\n';
      for (let c = 0; c < p.width; c++) {
        if (c > 0) out += ',';
        out += p.values[r * p.width + c];
      }
    }
    return out;
  }
  const records: string[] = [];
  for (let r = 0; r < p.rows; r++) records.push(recordJson(p, r));
  return codec === 'json' ? `{"predictions":[${records.join(',')}]}` : records.join('\n');
}
