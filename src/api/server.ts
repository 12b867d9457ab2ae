import Fastify, { type FastifyInstance } from 'fastify';
import type { App } from '../app.js';
import { registerAwsRoutes } from './aws-dispatch.js';
import { registerRuntimeRoutes } from './runtime.js';
import { registerV1Routes } from './v1.js';
import { registerPrometheusRoutes } from './prometheus.js';
import { registerUiRoutes } from './ui.js';
import { MAX_PAYLOAD_BYTES } from '../runtime/index.js';

export interface ServerOptions {
  host?: string;
  port?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  fastify: FastifyInstance;
  close(): Promise<void>;
}

/** Bodies above this are refused before reaching a route (the runtime route answers 413 above 6 MB itself). */
const BODY_LIMIT = MAX_PAYLOAD_BYTES + 1024 * 1024;

export function buildServer(app: App): FastifyInstance {
  const fastify = Fastify({ logger: false, bodyLimit: BODY_LIMIT, return503OnClosing: true, keepAliveTimeout: 65_000 });
  // Every route reads the raw body; each surface parses it itself (AWS JSON, form, CSV, model payloads).
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));

  fastify.get('/ping', async (_req, reply) => reply.header('content-type', 'application/json').send('{"status":"ok"}'));
  registerAwsRoutes(fastify, app);
  registerRuntimeRoutes(fastify, app);
  registerV1Routes(fastify, app);
  registerPrometheusRoutes(fastify, app);
  registerUiRoutes(fastify, app);

  fastify.setNotFoundHandler((req, reply) => {
    reply.status(404).header('content-type', 'application/json').send(JSON.stringify({ error: { code: 'NotFound', message: `no route for ${req.method} ${req.url.split('?')[0]}` } }));
  });
  fastify.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    const message = status === 413 ? `request body is larger than ${BODY_LIMIT} bytes` : err.message;
    if (req.url.startsWith('/endpoints/')) {
      reply.status(status).header('content-type', 'application/json').header('x-amzn-errortype', 'ValidationError').send(JSON.stringify({ __type: 'ValidationError', message }));
    } else if (req.url === '/' || req.url.startsWith('/?')) {
      reply.status(status).header('content-type', 'application/x-amz-json-1.1').header('x-amzn-errortype', status === 413 ? 'ValidationException' : 'SerializationException').send(JSON.stringify({ __type: 'ValidationException', message }));
    } else {
      reply.status(status).header('content-type', 'application/json').send(JSON.stringify({ error: { code: err.code ?? 'Error', message } }));
    }
  });
  return fastify;
}

/** Starts the HTTP server on host:port (port 0 picks a free one). */
export async function startServer(app: App, options: ServerOptions = {}): Promise<RunningServer> {
  const fastify = buildServer(app);
  const host = options.host ?? '127.0.0.1';
  await fastify.listen({ host, port: options.port ?? 8080 });
  const address = fastify.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 8080);
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    fastify,
    close: async () => {
      await fastify.close();
    },
  };
}
