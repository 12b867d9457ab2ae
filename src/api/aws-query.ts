import { randomUUID } from 'node:crypto';

/**
 * AWS Query protocol helpers: form parameters such as `Dimensions.member.1.Name` become nested objects and
 * arrays; results become XML in the service's namespace.
 */
export function parseQueryParams(body: string): Record<string, unknown> {
  const params = new URLSearchParams(body);
  const root: Record<string, unknown> = {};
  for (const [key, value] of params) {
    const parts = key.split('.');
    let node: any = root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      const last = i === parts.length - 1;
      if (part === 'member' || part === 'entry') continue;
      const nextIsIndex = i + 1 < parts.length && (parts[i + 1] === 'member' || parts[i + 1] === 'entry');
      const index = /^\d+$/.test(part) ? Number(part) - 1 : undefined;
      const slot = index !== undefined ? index : part;
      if (last) {
        node[slot] = value;
      } else {
        if (node[slot] === undefined) node[slot] = nextIsIndex ? [] : {};
        node = node[slot];
      }
    }
  }
  return compact(root) as Record<string, unknown>;
}

function compact(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== undefined).map(compact);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, compact(x)]));
  return v;
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function toXml(value: unknown, timestampKeys: Set<string>, key = ''): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((v) => `<member>${toXml(v, timestampKeys, key)}</member>`).join('');
  if (typeof value === 'object') {
    if (key === 'ExtendedStatistics') {
      return Object.entries(value as Record<string, unknown>).map(([k, v]) => `<entry><key>${escape(k)}</key><value>${toXml(v, timestampKeys)}</value></entry>`).join('');
    }
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `<${k}>${toXml(v, timestampKeys, k)}</${k}>`)
      .join('');
  }
  if (typeof value === 'number' && timestampKeys.has(key)) return new Date(value).toISOString();
  return escape(String(value));
}

export function queryResponse(action: string, result: Record<string, unknown>, namespace: string, timestampKeys: Set<string>): string {
  const inner = Object.keys(result).length ? `<${action}Result>${toXml(result, timestampKeys)}</${action}Result>` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${namespace}">${inner}<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
}

export function queryError(code: string, message: string, namespace: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${namespace}"><Error><Type>Sender</Type><Code>${escape(code)}</Code><Message>${escape(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}
