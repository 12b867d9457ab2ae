import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app.js';
import { AwsError, sendAwsJsonError } from './aws-errors.js';
import { sagemakerOperations, toSageMakerError } from './sagemaker.js';
import { cloudwatchOperations, TIMESTAMP_FIELDS } from './cloudwatch.js';
import { parseQueryParams, queryError, queryResponse } from './aws-query.js';

const SAGEMAKER_PREFIX = 'SageMaker.';
const CLOUDWATCH_PREFIX = 'GraniteServiceVersion20100801.';
const CLOUDWATCH_XMLNS = 'http://monitoring.amazonaws.com/doc/2010-08-01/';
const XML_TIMESTAMPS = new Set([...TIMESTAMP_FIELDS, 'Timestamps']);

/** Epoch seconds (JSON protocols) → epoch ms for our operations, recursively on timestamp fields. */
function secondsToMs(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => secondsToMs(x, key));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, secondsToMs(x, k)]));
  if (typeof v === 'number' && (TIMESTAMP_FIELDS.has(key) || key === 'Timestamps')) return v * 1000;
  return v;
}

function msToSeconds(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => msToSeconds(x, key));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, msToSeconds(x, k)]));
  if (typeof v === 'number' && (TIMESTAMP_FIELDS.has(key) || key === 'Timestamps')) return v / 1000;
  return v;
}

function parseJsonBody(body: unknown): Record<string, unknown> {
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : '';
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new AwsError('SerializationException', `Request body is not valid JSON: ${(err as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new AwsError('SerializationException', 'Request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

/**
 * `POST /` serves three AWS protocols: SageMaker (JSON 1.1, X-Amz-Target SageMaker.*), CloudWatch (JSON 1.0,
 * X-Amz-Target GraniteServiceVersion20100801.*) and CloudWatch over AWS Query (form-encoded Action=…, XML answers).
 */
export function registerAwsRoutes(fastify: FastifyInstance, app: App): void {
  const sagemaker = sagemakerOperations(app);
  const cloudwatch = cloudwatchOperations(app);

  fastify.post('/', async (req: FastifyRequest, reply: FastifyReply) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    if (target.startsWith(SAGEMAKER_PREFIX)) {
      const ct = 'application/x-amz-json-1.1';
      try {
        const op = sagemaker[target.slice(SAGEMAKER_PREFIX.length)];
        if (!op) throw new AwsError('UnknownOperationException', `Operation ${target.slice(SAGEMAKER_PREFIX.length)} is not supported by splitserve`);
        const out = await op(parseJsonBody(req.body));
        return reply.header('content-type', ct).send(JSON.stringify(out));
      } catch (err) {
        return sendAwsJsonError(reply, toSageMakerError(err), ct);
      }
    }
    if (target.startsWith(CLOUDWATCH_PREFIX)) {
      const ct = 'application/x-amz-json-1.0';
      try {
        const name = target.slice(CLOUDWATCH_PREFIX.length);
        const op = cloudwatch[name];
        if (!op) throw new AwsError('UnknownOperationException', `Operation ${name} is not supported by splitserve`);
        const out = await op(secondsToMs(parseJsonBody(req.body)) as Record<string, unknown>);
        return reply.header('content-type', ct).send(JSON.stringify(msToSeconds(out)));
      } catch (err) {
        const e = err instanceof AwsError ? err : new AwsError('InternalServiceError', (err as Error).message, 500);
        reply.header('x-amzn-query-error', `${e.type};${e.status >= 500 ? 'Receiver' : 'Sender'}`);
        return sendAwsJsonError(reply, e, ct);
      }
    }
    const contentType = String(req.headers['content-type'] ?? '');
    if (contentType.startsWith('application/x-www-form-urlencoded')) {
      const params = parseQueryParams(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');
      const action = String(params.Action ?? '');
      reply.header('content-type', 'text/xml');
      try {
        const op = cloudwatch[action];
        if (!op) throw new AwsError('InvalidAction', `The action ${action || '(none)'} is not valid for this web service.`);
        const out = await op(params);
        return reply.send(queryResponse(action, out, CLOUDWATCH_XMLNS, XML_TIMESTAMPS));
      } catch (err) {
        const e = err instanceof AwsError ? err : new AwsError('InternalFailure', (err as Error).message, 500);
        return reply.status(e.status).send(queryError(e.type, e.message, CLOUDWATCH_XMLNS));
      }
    }
    return sendAwsJsonError(reply, new AwsError('UnknownOperationException', target ? `Unknown service target ${target}` : 'Missing X-Amz-Target header (or a form-encoded Action) on POST /'), 'application/x-amz-json-1.1');
  });
}
