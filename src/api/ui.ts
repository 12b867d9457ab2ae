import type { FastifyInstance } from 'fastify';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { App } from '../app.js';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'ui', 'dist');
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.map': 'application/json' };

/** The dashboard's static files (built by `npm run build:ui` into src/ui/dist). */
export function registerUiRoutes(fastify: FastifyInstance, _app: App): void {
  const serve = (file: string, reply: import('fastify').FastifyReply) => {
    const path = normalize(join(DIST, file));
    if (!path.startsWith(DIST) || !existsSync(path) || !statSync(path).isFile()) {
      return reply.status(404).header('content-type', 'application/json').send(JSON.stringify({ error: { code: 'NotFound', message: `no dashboard file ${file}` } }));
    }
    return reply.header('content-type', TYPES[extname(path)] ?? 'application/octet-stream').header('cache-control', 'no-cache').send(readFileSync(path));
  };
  fastify.get('/', async (_req, reply) => {
    if (!existsSync(join(DIST, 'index.html'))) {
      return reply.status(503).header('content-type', 'text/plain').send('The dashboard is not built: run `npm run build:ui`.');
    }
    return serve('index.html', reply);
  });
  fastify.get('/ui/*', async (req, reply) => serve((req.params as { '*': string })['*'], reply));
}
