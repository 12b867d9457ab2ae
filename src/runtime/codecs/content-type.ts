/** The media type without parameters, lower-cased: "text/csv; charset=utf-8" → "text/csv". */
export function mediaType(header: string | undefined): string {
  if (!header) return '';
  const semi = header.indexOf(';');
  return (semi < 0 ? header : header.slice(0, semi)).trim().toLowerCase();
}

export const CSV = 'text/csv';
export const JSON_TYPE = 'application/json';
export const JSONLINES = 'application/jsonlines';

const JSONLINES_ALIASES = new Set(['application/jsonlines', 'application/x-jsonlines', 'application/jsonl', 'application/x-ndjson']);

export type Codec = 'csv' | 'json' | 'jsonlines';

export function codecOf(type: string): Codec | undefined {
  if (type === CSV) return 'csv';
  if (type === JSON_TYPE) return 'json';
  if (JSONLINES_ALIASES.has(type)) return 'jsonlines';
  return undefined;
}

/** Payload limit of SageMaker real-time endpoints. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
