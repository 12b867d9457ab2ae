import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { EndpointRecord } from '../../endpoints/index.js';
import type { ExperimentReport } from '../../experiments/index.js';
import { clientOf } from '../http.js';
import { pct, printJson, table, us } from '../output.js';
import { printReport } from '../demo/demo.js';

const urlOption = ['--url <url>', 'splitserve server (env SPLITSERVE_URL)', undefined] as const;

function readStructured(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  try {
    return file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
}

function printEndpoint(e: EndpointRecord): void {
  console.log(`${e.EndpointName}  ${e.EndpointStatus}  config ${e.EndpointConfigName}${e.FailureReason ? `  (${e.FailureReason})` : ''}`);
  console.log(table(['variant', 'current weight', 'desired weight', 'instances'], e.ProductionVariants.map((v) => [v.VariantName, v.CurrentWeight, v.DesiredWeight, v.CurrentInstanceCount])));
}

const manifestSchema = z
  .object({
    endpoint: z.string(),
    models: z.array(z.object({ name: z.string(), image: z.string().optional(), modelDataUrl: z.string().optional(), environment: z.record(z.string(), z.string()).optional() })).min(1),
    variants: z.array(z.object({ name: z.string(), model: z.string(), weight: z.number().min(0).default(1), instances: z.number().int().min(1).default(1) })).min(1),
    shadow: z.object({ name: z.string(), model: z.string(), samplingPercent: z.number().min(0).max(100) }).optional(),
    dataCapture: z.object({ samplingPercent: z.number().int().min(0).max(100), mode: z.enum(['Input', 'Output', 'InputAndOutput']).default('InputAndOutput') }).optional(),
  })
  .strict();

export function register(program: Command): void {
  const endpoint = program.command('endpoint').description('endpoints on a running server');
  endpoint
    .command('list')
    .option(...urlOption)
    .option('--json', 'machine-readable output')
    .action(async (opts) => {
      const out = await clientOf(opts).request<{ endpoints: EndpointRecord[] }>('GET', '/v1/endpoints');
      if (opts.json) return printJson(out.endpoints);
      console.log(table(['endpoint', 'status', 'config', 'variants (weight)'], out.endpoints.map((e) => [e.EndpointName, e.EndpointStatus, e.EndpointConfigName, e.ProductionVariants.map((v) => `${v.VariantName} ${v.CurrentWeight}`).join(', ')])));
    });
  endpoint
    .command('describe <name>')
    .option(...urlOption)
    .option('--json', 'machine-readable output')
    .action(async (name: string, opts) => {
      const e = await clientOf(opts).request<EndpointRecord>('GET', `/v1/endpoints/${encodeURIComponent(name)}`);
      if (opts.json) printJson(e);
      else printEndpoint(e);
    });
  endpoint
    .command('create <name>')
    .description('create an endpoint from an existing endpoint config')
    .requiredOption('--config <endpointConfigName>', 'the endpoint config')
    .option(...urlOption)
    .action(async (name: string, opts) => printEndpoint(await clientOf(opts).request('POST', '/v1/endpoints', { EndpointName: name, EndpointConfigName: opts.config })));
  endpoint
    .command('update-weights <name> <weights...>')
    .description('set weights atomically, e.g. `update-weights ab VariantA=100 VariantB=0`')
    .option(...urlOption)
    .action(async (name: string, pairs: string[], opts) => {
      const weights: Record<string, number> = {};
      for (const p of pairs) {
        const [k, v] = p.split('=');
        const n = Number(v);
        if (!k || v === undefined || !Number.isFinite(n) || n < 0) throw new Error(`"${p}" must be Variant=weight with a weight ≥ 0`);
        weights[k] = n;
      }
      printEndpoint(await clientOf(opts).request('PUT', `/v1/endpoints/${encodeURIComponent(name)}/weights`, { weights }));
    });
  endpoint
    .command('rollback <name>')
    .description('all traffic to the control (first variant, or --to)')
    .option('--to <variant>', 'the variant to send everything to')
    .option(...urlOption)
    .action(async (name: string, opts) => printEndpoint(await clientOf(opts).request('POST', `/v1/endpoints/${encodeURIComponent(name)}/rollback`, opts.to ? { to: opts.to } : {})));
  endpoint
    .command('delete <name>')
    .option(...urlOption)
    .action(async (name: string, opts) => {
      await clientOf(opts).request('DELETE', `/v1/endpoints/${encodeURIComponent(name)}`);
      console.log(`deleting ${name}`);
    });

  program
    .command('invoke <endpoint>')
    .description('send one request to an endpoint (SageMaker runtime path)')
    .option('--body <text>', 'the request body')
    .option('--file <file>', 'read the body from a file')
    .option('--content-type <type>', 'request content type', 'text/csv')
    .option('--accept <type>', 'response content type')
    .option('--target-variant <variant>', 'route to this variant')
    .option('--key <key>', 'sticky assignment key')
    .option('--inference-id <id>', 'inference id for ground truth later')
    .option(...urlOption)
    .action(async (name: string, opts) => {
      const body = opts.file ? readFileSync(opts.file) : opts.body !== undefined ? Buffer.from(opts.body) : undefined;
      if (!body) throw new Error('give the request body with --body or --file');
      const headers: Record<string, string> = { 'content-type': opts.contentType };
      if (opts.accept) headers.accept = opts.accept;
      if (opts.targetVariant) headers['x-amzn-sagemaker-target-variant'] = opts.targetVariant;
      if (opts.key) headers['x-splitserve-assignment-key'] = opts.key;
      if (opts.inferenceId) headers['x-amzn-sagemaker-inference-id'] = opts.inferenceId;
      const url = clientOf(opts).url;
      const res = await fetch(`${url}/endpoints/${encodeURIComponent(name)}/invocations`, { method: 'POST', headers, body: body as unknown as BodyInit }).catch((err) => {
        throw new Error(`cannot reach splitserve at ${url} (${(err as Error).message})`);
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`HTTP ${res.status}: ${text}`);
      console.error(`variant ${res.headers.get('x-amzn-invoked-production-variant')}, inference id ${res.headers.get('x-amzn-sagemaker-inference-id')}`);
      console.log(text);
    });

  program
    .command('apply')
    .description('create or update models, endpoint config and endpoint to match a YAML/JSON manifest')
    .requiredOption('-f, --file <file>', 'the manifest')
    .option(...urlOption)
    .action(async (opts) => {
      const parsed = manifestSchema.safeParse(readStructured(opts.file));
      if (!parsed.success) throw new Error(`${opts.file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const m = parsed.data;
      const api = clientOf(opts);
      const existingModels = new Set((await api.request<{ models: { ModelName: string }[] }>('GET', '/v1/models')).models.map((x) => x.ModelName));
      const suffix = Date.now().toString(36);
      const modelNames: Record<string, string> = {};
      for (const model of m.models) {
        // Models are immutable: a changed definition gets a new name.
        const name = existingModels.has(model.name) ? `${model.name}-${suffix}` : model.name;
        modelNames[model.name] = name;
        await api.request('POST', '/v1/models', { ModelName: name, PrimaryContainer: { Image: model.image ?? 'xgboost', ModelDataUrl: model.modelDataUrl, Environment: model.environment } });
      }
      const configName = `${m.endpoint}-${suffix}`;
      await api.request('POST', '/v1/endpoint-configs', {
        EndpointConfigName: configName,
        ProductionVariants: m.variants.map((v) => ({ VariantName: v.name, ModelName: modelNames[v.model] ?? v.model, InitialVariantWeight: v.weight, InitialInstanceCount: v.instances })),
        ...(m.shadow ? { ShadowProductionVariants: [{ VariantName: m.shadow.name, ModelName: modelNames[m.shadow.model] ?? m.shadow.model, InitialVariantWeight: m.shadow.samplingPercent, InitialInstanceCount: 1 }] } : {}),
        ...(m.dataCapture ? { DataCaptureConfig: { EnableCapture: true, InitialSamplingPercentage: m.dataCapture.samplingPercent, CaptureOptions: [{ CaptureMode: m.dataCapture.mode }] } } : {}),
      });
      const exists = (await api.request<{ endpoints: { EndpointName: string }[] }>('GET', '/v1/endpoints')).endpoints.some((e) => e.EndpointName === m.endpoint);
      if (exists) {
        await api.request('PUT', `/v1/endpoints/${encodeURIComponent(m.endpoint)}/config`, { endpointConfigName: configName });
        console.log(`updating ${m.endpoint} to config ${configName} (blue/green)`);
      } else {
        await api.request('POST', '/v1/endpoints', { EndpointName: m.endpoint, EndpointConfigName: configName });
        console.log(`creating ${m.endpoint} with config ${configName}`);
      }
    });

  program
    .command('metrics <endpoint>')
    .description("per-variant performance table like the seed's Performance Comparison")
    .option('--since <duration>', 'window for the time series (e.g. 15m, 1h)', '1h')
    .option('--format <format>', 'table, csv or json', 'table')
    .option(...urlOption)
    .action(async (name: string, opts) => {
      type V = { variant: string; shadow: boolean; totals: { invocations: number; err4xx: number; err5xx: number; modelLatencyUs: null | { mean: number; min: number; max: number; p50: number; p99: number } } };
      const out = await clientOf(opts).request<{ variants: V[] }>('GET', `/v1/endpoints/${encodeURIComponent(name)}/metrics?since=${encodeURIComponent(opts.since)}&resolution=1m`);
      const total = out.variants.filter((v) => !v.shadow).reduce((a, v) => a + v.totals.invocations, 0);
      const rows = out.variants.map((v) => {
        const l = v.totals.modelLatencyUs;
        return {
          variant: v.variant + (v.shadow ? ' (shadow)' : ''),
          invocations: v.totals.invocations,
          share: v.shadow || !total ? NaN : v.totals.invocations / total,
          avgUs: l?.mean ?? NaN,
          minUs: l?.min ?? NaN,
          maxUs: l?.max ?? NaN,
          p99Us: l?.p99 ?? NaN,
          errorRate: v.totals.invocations ? (v.totals.err4xx + v.totals.err5xx) / v.totals.invocations : 0,
        };
      });
      if (opts.format === 'json') return printJson(rows);
      if (opts.format === 'csv') {
        console.log('variant,invocations,share,avg_us,min_us,max_us,p99_us,error_rate');
        for (const r of rows) console.log([r.variant, r.invocations, r.share, r.avgUs, r.minUs, r.maxUs, r.p99Us, r.errorRate].join(','));
        return;
      }
      if (opts.format !== 'table') throw new Error('--format must be table, csv or json');
      console.log(table(['variant', 'invocations', 'share', 'avg latency', 'min', 'max', 'p99', 'error rate'], rows.map((r) => [r.variant, r.invocations, Number.isNaN(r.share) ? '-' : pct(r.share), us(r.avgUs), us(r.minUs), us(r.maxUs), us(r.p99Us), pct(r.errorRate, 2)])));
    });

  program
    .command('report <endpoint>')
    .description('experiment analysis: sample ratio, effects with confidence intervals, Bayesian and sequential results, verdict')
    .option('--control <variant>', 'the control variant (default: the first)')
    .option('--mde <effect>', 'minimum detectable effect for accuracy', '0.02')
    .option('--json', 'machine-readable output')
    .option(...urlOption)
    .action(async (name: string, opts) => {
      const q = new URLSearchParams({ mde: opts.mde, ...(opts.control ? { control: opts.control } : {}) });
      const report = await clientOf(opts).request<ExperimentReport>('GET', `/v1/endpoints/${encodeURIComponent(name)}/report?${q}`);
      if (opts.json) printJson(report);
      else printReport(report);
    });

  const rollout = program.command('rollout').description('guarded rollouts: canary, linear or explicit steps with automatic rollback');
  rollout
    .command('start <endpoint>')
    .requiredOption('-f, --file <file>', 'policy (YAML/JSON): control, challenger, strategy, steps, bakeSeconds, minSamples, guardrails')
    .option(...urlOption)
    .action(async (name: string, opts) => printJson(await clientOf(opts).request('PUT', `/v1/endpoints/${encodeURIComponent(name)}/rollout`, readStructured(opts.file))));
  rollout
    .command('status <endpoint>')
    .option(...urlOption)
    .option('--json', 'machine-readable output')
    .action(async (name: string, opts) => {
      const api = clientOf(opts);
      const s = await api.request<{ state: { status: string; steps: number[]; stepIndex: number; reason?: string } }>('GET', `/v1/endpoints/${encodeURIComponent(name)}/rollout`);
      const events = await api.request<{ events: { at: number; kind: string; message: string }[] }>('GET', `/v1/endpoints/${encodeURIComponent(name)}/events`);
      if (opts.json) return printJson({ ...s, events: events.events });
      console.log(`${s.state.status}: step ${s.state.stepIndex + 1} of ${s.state.steps.length} (${s.state.steps.join(' → ')}%)${s.state.reason ? ` - ${s.state.reason}` : ''}`);
      for (const e of events.events) console.log(`${new Date(e.at).toISOString()}  ${e.kind.padEnd(12)} ${e.message}`);
    });
  rollout
    .command('abort <endpoint>')
    .description('stop the rollout and send all traffic to the control')
    .option(...urlOption)
    .action(async (name: string, opts) => printJson(await clientOf(opts).request('DELETE', `/v1/endpoints/${encodeURIComponent(name)}/rollout`)));

  program
    .command('feedback <endpoint>')
    .description('post ground truth: --id and --label, or a JSON Lines file of {"inferenceId","label"|"reward"}')
    .option('--id <inferenceId>')
    .option('--label <n>')
    .option('--reward <n>')
    .option('--file <file>')
    .option(...urlOption)
    .action(async (name: string, opts) => {
      const items = opts.file
        ? readFileSync(opts.file, 'utf8')
            .split('\n')
            .filter((l) => l.trim())
            .map((l, i) => {
              try {
                return JSON.parse(l);
              } catch {
                throw new Error(`${opts.file}:${i + 1}: not valid JSON`);
              }
            })
        : [{ inferenceId: opts.id, ...(opts.label !== undefined ? { label: Number(opts.label) } : {}), ...(opts.reward !== undefined ? { reward: Number(opts.reward) } : {}) }];
      printJson(await clientOf(opts).request('POST', `/v1/endpoints/${encodeURIComponent(name)}/feedback`, { items }));
    });
}
