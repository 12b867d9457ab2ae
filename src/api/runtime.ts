import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app.js';
import { InvokeError } from '../endpoints/index.js';
import { MAX_PAYLOAD_BYTES, ModelError, PayloadError } from '../runtime/index.js';
import type { InvokeRequest } from '../endpoints/index.js';

const EMPTY = Buffer.alloc(0);

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function runtimeError(reply: FastifyReply, status: number, type: string, message: string, extra: Record<string, unknown> = {}): FastifyReply {
  return reply
    .status(status)
    .header('content-type', 'application/json')
    .header('x-amzn-errortype', type)
    .send(JSON.stringify({ __type: type, message, Message: message, ...extra }));
}

/** SageMaker runtime: POST /endpoints/:name/invocations (the hot path). */
export function registerRuntimeRoutes(fastify: FastifyInstance, app: App): void {
  const endpoints = app.endpoints;
  const handler = async (req: FastifyRequest<{ Params: { name: string } }>, reply: FastifyReply) => {
    const receivedAtNs = process.hrtime.bigint();
    const body = Buffer.isBuffer(req.body) ? req.body : EMPTY;
    if (body.length > MAX_PAYLOAD_BYTES) {
      return runtimeError(reply, 413, 'ValidationError', `Request payload of ${body.length} bytes exceeds the limit of ${MAX_PAYLOAD_BYTES} bytes (6 MB).`);
    }
    const request: InvokeRequest = {
      endpointName: req.params.name,
      body,
      contentType: header(req, 'content-type') ?? 'application/octet-stream',
      accept: header(req, 'accept'),
      targetVariant: header(req, 'x-amzn-sagemaker-target-variant'),
      customAttributes: header(req, 'x-amzn-sagemaker-custom-attributes'),
      inferenceId: header(req, 'x-amzn-sagemaker-inference-id'),
      assignmentKey: header(req, 'x-splitserve-assignment-key'),
      receivedAtNs,
    };
    try {
      const out = await endpoints.invoke(request);
      reply.header('content-type', out.result.contentType);
      reply.header('x-amzn-invoked-production-variant', out.variant);
      reply.header('x-amzn-sagemaker-inference-id', out.inferenceId);
      if (out.customAttributes !== undefined) reply.header('x-amzn-sagemaker-custom-attributes', out.customAttributes);
      return reply.send(out.result.body);
    } catch (err) {
      if (err instanceof InvokeError) return runtimeError(reply, err.status, err.type, err.message);
      if (err instanceof PayloadError) return runtimeError(reply, err.status, 'ValidationError', err.message);
      if (err instanceof ModelError) {
        return runtimeError(reply, 424, 'ModelError', `Received server error (${err.originalStatusCode}) from model with message "${err.message}".`, {
          OriginalStatusCode: err.originalStatusCode,
          OriginalMessage: err.message,
          LogStreamArn: `arn:aws:logs:${process.env.AWS_REGION ?? 'us-east-1'}:000000000000:log-group:/aws/sagemaker/Endpoints/${req.params.name}`,
        });
      }
      return runtimeError(reply, 500, 'InternalFailure', (err as Error).message);
    }
  };
  fastify.post('/endpoints/:name/invocations', handler);
  fastify.post('/v1/endpoints/:name/invocations', handler);
}
