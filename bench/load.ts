/** A loopback HTTP load run by autocannon in its own process, so the load generator never shares the server's event loop. */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

export interface LoadResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  total: number;
}

export function load(url: string, options: { body: string; contentType?: string; connections?: number; seconds: number; rate?: number; headers?: Record<string, string> }): Promise<LoadResult> {
  const args = [
    resolve('node_modules/autocannon/autocannon.js'),
    '-j',
    '-c', String(options.connections ?? 16),
    '-d', String(options.seconds),
    '-m', 'POST',
    '-H', `content-type=${options.contentType ?? 'text/csv'}`,
    ...Object.entries(options.headers ?? {}).flatMap(([k, v]) => ['-H', `${k}=${v}`]),
    '-b', options.body,
    ...(options.rate ? ['-R', String(options.rate)] : []),
    url,
  ];
  return new Promise((ok, fail) => {
    execFile(process.execPath, args, { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) return fail(new Error(`autocannon failed: ${err.message}\n${stderr}`));
      const r = JSON.parse(stdout);
      ok({ requestsPerSec: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99, errors: r.errors, non2xx: r.non2xx, total: r.requests.total });
    });
  });
}
