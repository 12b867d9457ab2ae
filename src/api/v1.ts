import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../app.js';
import { DomainError } from '../endpoints/index.js';
import { RegistryError } from '../registry/index.js';
import { buildReport, FeedbackError, RolloutError, banditConfigSchema } from '../experiments/index.js';
import { LIVE_SECONDS } from '../metrics/index.js';
import { openApiDocument } from './openapi.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.status(status).header('content-type', 'application/json').send(JSON.stringify(body));
}

export function sendApiError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof ApiError) return send(reply, err.status, { error: { code: err.code, message: err.message } });
  if (err instanceof DomainError) {
    const notFound = /Could not find/.test(err.message);
    return send(reply, notFound ? 404 : err.type === 'ResourceInUse' ? 409 : 400, { error: { code: notFound ? 'NotFound' : err.type, message: err.message } });
  }
  if (err instanceof RegistryError) return send(reply, err.code === 'NotFound' ? 404 : err.code === 'InUse' ? 409 : 400, { error: { code: err.code, message: err.message } });
  if (err instanceof RolloutError || err instanceof FeedbackError) return send(reply, err.status, { error: { code: err.name, message: err.message } });
  if (err instanceof z.ZodError) return send(reply, 400, { error: { code: 'ValidationError', message: err.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') } });
  return send(reply, 500, { error: { code: 'InternalError', message: (err as Error).message } });
}

function jsonBody(req: FastifyRequest): unknown {
  const ct = String(req.headers['content-type'] ?? '');
  const buf = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (buf.length === 0) return {};
  if (!ct.startsWith('application/json')) throw new ApiError(415, 'UnsupportedMediaType', `expected Content-Type application/json, got "${ct || '(none)'}"`);
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch (err) {
    throw new ApiError(400, 'InvalidJson', `request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** "15m", "1h", "30s", "2d" → milliseconds. */
export function parseDuration(s: string | undefined, fallbackMs: number): number {
  if (!s) return fallbackMs;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(s.trim());
  if (!m) throw new ApiError(400, 'ValidationError', `"${s}" is not a duration (use e.g. 30s, 15m, 1h, 2d)`);
  const mult = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * mult;
}

const weightsBody = z.object({ weights: z.record(z.string(), z.number().min(0)) }).strict();
const feedbackItem = z.object({ inferenceId: z.string().min(1), label: z.number().optional(), reward: z.number().optional() }).strict().refine((i) => i.label !== undefined || i.reward !== undefined, { message: 'give a label or a reward' });
const feedbackBatch = z.object({ items: z.array(feedbackItem).min(1).max(10_000) }).strict();
/** One item or `{items: [...]}`; chosen by shape first so that errors name the field that is wrong. */
function parseFeedback(body: unknown): z.infer<typeof feedbackItem>[] {
  if (body && typeof body === 'object' && 'items' in body) return feedbackBatch.parse(body).items;
  return [feedbackItem.parse(body)];
}

type P = FastifyRequest<{ Params: { name: string; version?: string }; Querystring: Record<string, string | undefined> }>;

/** The native REST API under /v1: clean shapes for the dashboard, the CLI and scripts. */
export function registerV1Routes(fastify: FastifyInstance, app: App): void {
  const ep = app.endpoints;
  const route = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, fn: (req: P) => Promise<unknown>, status = 200) => {
    fastify.route({
      method,
      url,
      handler: async (req, reply) => {
        try {
          const out = await fn(req as P);
          return send(reply, status, out ?? {});
        } catch (err) {
          return sendApiError(reply, err);
        }
      },
    });
  };

  route('GET', '/v1/openapi.json', async () => openApiDocument());

  // SageMaker-style resources, in the same shapes as the SageMaker API (timestamps as ISO strings here).
  route('GET', '/v1/models', async () => ({ models: await ep.listModels() }));
  route('POST', '/v1/models', async (req) => ep.createModel(jsonBody(req) as never), 201);
  route('GET', '/v1/models/:name', async (req) => ep.describeModel(req.params.name));
  route('DELETE', '/v1/models/:name', async (req) => ep.deleteModel(req.params.name));
  route('GET', '/v1/endpoint-configs', async () => ({ endpointConfigs: await ep.listEndpointConfigs() }));
  route('POST', '/v1/endpoint-configs', async (req) => ep.createEndpointConfig(jsonBody(req) as never), 201);
  route('GET', '/v1/endpoint-configs/:name', async (req) => ep.describeEndpointConfig(req.params.name));
  route('DELETE', '/v1/endpoint-configs/:name', async (req) => ep.deleteEndpointConfig(req.params.name));

  route('GET', '/v1/endpoints', async () => {
    const list = await ep.listEndpoints();
    return {
      endpoints: list.map((e) => {
        const slots = app.recorder.slotsOf(e.EndpointName);
        return {
          ...e,
          traffic: e.ProductionVariants.map((v) => {
            const s = slots.find((x) => x.variant === v.VariantName && !x.shadow);
            const last = s ? s.live(Math.floor(Date.now() / 1000), 300) : [];
            return { variant: v.VariantName, requestsLast5m: last.reduce((a, p) => a + p.invocations, 0), total: s?.totalInvocations ?? 0 };
          }),
        };
      }),
    };
  });
  route('POST', '/v1/endpoints', async (req) => ep.createEndpoint(jsonBody(req) as never), 201);
  route('GET', '/v1/endpoints/:name', async (req) => {
    const record = await ep.describeEndpoint(req.params.name);
    return { ...record, config: ep.deployedConfig(req.params.name), runtimes: ep.runtimes(req.params.name), rollout: app.rollouts.status(req.params.name) ?? null, bandit: app.bandits.config(req.params.name) ?? null };
  });
  route('DELETE', '/v1/endpoints/:name', async (req) => ep.deleteEndpoint(req.params.name));
  route('PUT', '/v1/endpoints/:name/config', async (req) => ep.updateEndpoint({ EndpointName: req.params.name, EndpointConfigName: z.object({ endpointConfigName: z.string() }).parse(jsonBody(req)).endpointConfigName }));
  route('PUT', '/v1/endpoints/:name/weights', async (req) => {
    const { weights } = weightsBody.parse(jsonBody(req));
    return ep.updateEndpointWeightsAndCapacities({ EndpointName: req.params.name, DesiredWeightsAndCapacities: Object.entries(weights).map(([VariantName, DesiredWeight]) => ({ VariantName, DesiredWeight })) });
  });
  route('POST', '/v1/endpoints/:name/rollback', async (req) => {
    const record = await ep.describeEndpoint(req.params.name);
    const body = z.object({ to: z.string().optional() }).strict().parse(jsonBody(req));
    const to = body.to ?? app.rollouts.status(req.params.name)?.policy.control ?? record.ProductionVariants[0].VariantName;
    if (!record.ProductionVariants.some((v) => v.VariantName === to)) throw new ApiError(400, 'ValidationError', `variant "${to}" is not on endpoint "${req.params.name}"`);
    if (app.rollouts.status(req.params.name)?.state.status === 'running') await app.rollouts.abort(req.params.name);
    return ep.updateEndpointWeightsAndCapacities({ EndpointName: req.params.name, DesiredWeightsAndCapacities: record.ProductionVariants.map((v) => ({ VariantName: v.VariantName, DesiredWeight: v.VariantName === to ? 100 : 0 })) });
  });

  route('GET', '/v1/endpoints/:name/metrics', async (req) => {
    const record = await ep.describeEndpoint(req.params.name);
    const resolution = req.query.resolution ?? '1s';
    if (resolution !== '1s' && resolution !== '1m') throw new ApiError(400, 'ValidationError', 'resolution must be 1s or 1m');
    const since = parseDuration(req.query.since, resolution === '1s' ? 300_000 : 3_600_000);
    const now = app.options.now?.() ?? Date.now();
    const variants = [];
    for (const s of app.recorder.slotsOf(req.params.name)) {
      const h = s.lifetimeModel;
      const o = s.lifetimeOverhead;
      const totals = {
        invocations: s.totalInvocations,
        err4xx: s.totalErr4xx,
        err5xx: s.totalErr5xx,
        inFlight: s.inFlight,
        modelLatencyUs: h.totalCount ? { p50: h.getValueAtPercentile(50), p90: h.getValueAtPercentile(90), p99: h.getValueAtPercentile(99), p999: h.getValueAtPercentile(99.9), mean: h.mean, min: h.minNonZeroValue, max: h.maxValue } : null,
        overheadLatencyUs: o.totalCount ? { p50: o.getValueAtPercentile(50), p99: o.getValueAtPercentile(99), mean: o.mean } : null,
      };
      let series;
      if (resolution === '1s') series = s.live(Math.floor(now / 1000), Math.min(LIVE_SECONDS, Math.ceil(since / 1000)));
      else {
        const dims = [{ Name: 'EndpointName', Value: req.params.name }, { Name: 'VariantName', Value: s.variant }];
        const base = { namespace: 'AWS/SageMaker', dimensions: dims, start: now - since, end: now + 60_000, period: 60 };
        const inv = await app.metrics.statistics({ ...base, metric: 'Invocations', statistics: ['Sum'], extended: [] });
        const lat = await app.metrics.statistics({ ...base, metric: 'ModelLatency', statistics: ['Average'], extended: ['p50', 'p99'] });
        series = inv.map((p) => {
          const l = lat.find((x) => x.Timestamp === p.Timestamp);
          return { t: p.Timestamp / 1000, invocations: p.Sum, p50: l?.ExtendedStatistics?.p50 ?? 0, p99: l?.ExtendedStatistics?.p99 ?? 0 };
        });
      }
      variants.push({ variant: s.variant, shadow: s.shadow, totals, series });
    }
    return { endpoint: record.EndpointName, resolution, since, variants };
  });

  route('POST', '/v1/endpoints/:name/feedback', async (req) => {
    await ep.describeEndpoint(req.params.name);
    const items = parseFeedback(jsonBody(req));
    const result = await app.feedback.record(req.params.name, items);
    if (result.unknown.length && result.accepted === 0 && result.duplicates === 0) {
      throw new FeedbackError(`unknown inference id${result.unknown.length > 1 ? 's' : ''}: ${result.unknown.slice(0, 10).join(', ')}${result.unknown.length > 10 ? ' …' : ''}`, 404);
    }
    return result;
  });
  route('GET', '/v1/endpoints/:name/quality', async (req) => {
    await ep.describeEndpoint(req.params.name);
    const task = req.query.task === 'regression' ? 'regression' : 'binary';
    return { endpoint: req.params.name, variants: await app.feedback.quality(req.params.name, task) };
  });
  route('GET', '/v1/endpoints/:name/report', async (req) => {
    const mde = req.query.mde !== undefined ? Number(req.query.mde) : undefined;
    if (mde !== undefined && !(mde > 0 && mde < 1)) throw new ApiError(400, 'ValidationError', 'mde must be between 0 and 1');
    return buildReport(req.params.name, { endpoints: ep, feedback: app.feedback, recorder: app.recorder, now: app.options.now ?? Date.now }, { control: req.query.control, minimumDetectableEffect: mde });
  });
  route('GET', '/v1/endpoints/:name/rollout', async (req) => {
    await ep.describeEndpoint(req.params.name);
    const s = app.rollouts.status(req.params.name);
    if (!s) throw new ApiError(404, 'NotFound', `no rollout on endpoint "${req.params.name}"`);
    return s;
  });
  route('PUT', '/v1/endpoints/:name/rollout', async (req) => app.rollouts.begin(req.params.name, jsonBody(req)), 201);
  route('DELETE', '/v1/endpoints/:name/rollout', async (req) => app.rollouts.abort(req.params.name));
  route('POST', '/v1/endpoints/:name/rollout/evaluate', async (req) => {
    await app.rollouts.tick();
    return app.rollouts.status(req.params.name) ?? null;
  });
  route('GET', '/v1/endpoints/:name/events', async (req) => ({ events: await app.events.list(req.params.name) }));
  route('GET', '/v1/endpoints/:name/bandit', async (req) => app.bandits.config(req.params.name) ?? { enabled: false });
  route('PUT', '/v1/endpoints/:name/bandit', async (req) => app.bandits.configure(req.params.name, banditConfigSchema.parse(jsonBody(req))));

  route('GET', '/v1/registry/models', async () => ({ models: await app.registry.list() }));
  route('GET', '/v1/registry/models/:name', async (req) => ({ versions: await app.registry.list(req.params.name) }));
  route('GET', '/v1/registry/models/:name/:version', async (req) => {
    const v = Number(req.params.version);
    if (!Number.isInteger(v) || v < 1) throw new ApiError(400, 'ValidationError', `version "${req.params.version}" is not a positive whole number`);
    return app.registry.get(req.params.name, v);
  });
  route('DELETE', '/v1/registry/models/:name/:version', async (req) => ({ deleted: await app.registry.delete(req.params.name, Number(req.params.version)) }));
}
