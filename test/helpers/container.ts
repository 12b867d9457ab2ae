import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ContainerBehaviour {
  /** HTTP status for POST /invocations (default 200). */
  status?: number;
  /** Delay before answering, milliseconds. */
  delayMs?: number;
  /** Body to answer (default: the score 0.5). */
  body?: string;
  /** Exit the process after this many invocations (a crash mid-traffic). */
  crashAfter?: number;
}

/**
 * Writes a small server that obeys SageMaker's container contract (listens on $SAGEMAKER_BIND_TO_PORT,
 * GET /ping, POST /invocations) and returns the shell command that starts it.
 */
export function containerScript(behaviour: ContainerBehaviour): string {
  const dir = mkdtempSync(join(tmpdir(), 'splitserve-container-'));
  const file = join(dir, 'server.mjs');
  writeFileSync(
    file,
    `import { createServer } from 'node:http';
const b = ${JSON.stringify(behaviour)};
let served = 0;
createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.method === 'GET' && req.url === '/ping') { res.writeHead(200); return res.end('ok'); }
    if (req.method === 'POST' && req.url === '/invocations') {
      served++;
      if (b.crashAfter !== undefined && served > b.crashAfter) process.exit(3);
      const answer = () => {
        const attrs = req.headers['x-amzn-sagemaker-custom-attributes'];
        res.writeHead(b.status ?? 200, { 'content-type': req.headers['accept'] && req.headers['accept'] !== '*/*' ? req.headers['accept'] : 'text/csv', 'x-pid': String(process.pid), ...(attrs ? { 'x-amzn-sagemaker-custom-attributes': 'model saw: ' + attrs } : {}) });
        res.end(b.body ?? (b.status && b.status >= 400 ? 'model exploded' : '0.5'));
      };
      return b.delayMs ? setTimeout(answer, b.delayMs) : answer();
    }
    res.writeHead(404); res.end();
  });
}).listen(Number(process.env.SAGEMAKER_BIND_TO_PORT), '127.0.0.1');
`,
  );
  return `${process.execPath} ${file}`;
}
