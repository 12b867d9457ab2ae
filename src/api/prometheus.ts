import type { FastifyInstance } from 'fastify';
import { Registry as PromRegistry, Counter, Gauge, collectDefaultMetrics } from 'prom-client';
import type { App } from '../app.js';
import { PROM_BUCKETS_US, type VariantSlot } from '../metrics/index.js';

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/**
 * Latency histograms in the Prometheus text format, from the fixed buckets the recorder keeps per variant.
 * (prom-client's Histogram can only be fed one observation at a time; these counts already exist.)
 */
function histogramText(name: string, help: string, slots: VariantSlot[], pick: (s: VariantSlot) => [Float64Array, number]): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} histogram`];
  for (const s of slots) {
    const [buckets, sumUs] = pick(s);
    const labels = `endpoint="${escapeLabel(s.endpoint)}",variant="${escapeLabel(s.variant)}",shadow="${s.shadow}"`;
    let cumulative = 0;
    PROM_BUCKETS_US.forEach((upper, i) => {
      cumulative += buckets[i];
      lines.push(`${name}_bucket{${labels},le="${upper / 1e6}"} ${cumulative}`);
    });
    cumulative += buckets[PROM_BUCKETS_US.length];
    lines.push(`${name}_bucket{${labels},le="+Inf"} ${cumulative}`);
    lines.push(`${name}_sum{${labels}} ${sumUs / 1e6}`);
    lines.push(`${name}_count{${labels}} ${cumulative}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Prometheus exposition at /metrics: counters and gauges through prom-client (filled at scrape time from the
 * recorder's counters, so the request path never touches it), latency histograms from the recorder's buckets.
 */
export function registerPrometheusRoutes(fastify: FastifyInstance, app: App): void {
  const registry = new PromRegistry();
  collectDefaultMetrics({ register: registry, prefix: 'splitserve_process_' });
  const labels = ['endpoint', 'variant', 'shadow'] as const;
  const invocations = new Counter({ name: 'splitserve_invocations_total', help: 'Invocations served per endpoint variant', labelNames: labels, registers: [registry] });
  const errors = new Counter({ name: 'splitserve_invocation_errors_total', help: 'Failed invocations by class (4xx, 5xx)', labelNames: [...labels, 'class'], registers: [registry] });
  const inFlight = new Gauge({ name: 'splitserve_requests_in_flight', help: 'Requests being served now', labelNames: labels, registers: [registry] });
  const weight = new Gauge({ name: 'splitserve_variant_weight', help: 'Current traffic weight', labelNames: ['endpoint', 'variant'], registers: [registry] });

  fastify.get('/metrics', async (_req, reply) => {
    invocations.reset();
    errors.reset();
    inFlight.reset();
    weight.reset();
    const slots = app.recorder.allSlots();
    for (const s of slots) {
      const l = { endpoint: s.endpoint, variant: s.variant, shadow: String(s.shadow) };
      invocations.inc(l, s.totalInvocations);
      errors.inc({ ...l, class: '4xx' }, s.totalErr4xx);
      errors.inc({ ...l, class: '5xx' }, s.totalErr5xx);
      inFlight.set(l, s.inFlight);
    }
    for (const e of await app.endpoints.listEndpoints()) for (const v of e.ProductionVariants) weight.set({ endpoint: e.EndpointName, variant: v.VariantName }, v.CurrentWeight);
    const text =
      (await registry.metrics()) +
      histogramText('splitserve_model_latency_seconds', 'Time inside the model', slots, (s) => [s.promModel, s.promModelSum]) +
      histogramText('splitserve_overhead_latency_seconds', 'Time outside the model (routing, codecs, HTTP)', slots, (s) => [s.promOverhead, s.promOverheadSum]);
    return reply.header('content-type', registry.contentType).send(text);
  });
}
