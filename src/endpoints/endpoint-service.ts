import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Db } from '../store/index.js';
import type { Registry } from '../registry/index.js';
import { loadModel as defaultLoadModel, ModelError, PayloadError, type LoadedModel, type ModelDescription, type ModelSpec, type PredictResult } from '../runtime/index.js';
import type { InvocationEvent, InvocationObserver } from '../metrics/types.js';
import type { EndpointService, InvokeRequest, InvokeResult } from './service.js';
import {
  DomainError,
  type ContainerDefinition,
  type DataCaptureConfig,
  type DesiredWeightAndCapacity,
  type EndpointConfigRecord,
  type EndpointRecord,
  type ModelRecord,
  type ProductionVariantConfig,
  type ProductionVariantSummary,
} from './types.js';
import { ACCOUNT_ID, arn, checkName, InvokeError, validation } from './errors.js';
import { ENDPOINT_MIGRATIONS } from './migrations.js';
import { resolveModelSpec } from './model-source.js';
import { RoutingTable, type LiveVariant } from './routing.js';
import { rebalance } from './sticky.js';

export interface EndpointServiceDeps {
  db: Db;
  registry: Registry;
  dataDir: string;
  observers: InvocationObserver[];
  random?: () => number;
  now?: () => number;
  loadModel?: (spec: ModelSpec) => Promise<LoadedModel>;
  /** Most shadow copies in flight at once per endpoint; more are skipped. */
  shadowConcurrency?: number;
}

/** What an endpoint runs: its config and the models it names, copied at deploy time. */
interface Deployed {
  config: EndpointConfigRecord;
  models: Record<string, ModelRecord>;
}

interface LiveEndpoint {
  record: EndpointRecord;
  deployed: Deployed;
  table: RoutingTable | null;
  sticky: Uint8Array | undefined;
  shadowInFlight: number;
  /** Serializes control-plane changes to this endpoint. */
  lock: Promise<unknown>;
}

export type WeightChangeListener = (endpoint: string, weights: Record<string, number>, at: number) => void;

const MAX_VARIANTS = 10;

function reviveDates<T extends { CreationTime: Date; LastModifiedTime?: Date }>(o: T): T {
  o.CreationTime = new Date(o.CreationTime);
  if (o.LastModifiedTime) o.LastModifiedTime = new Date(o.LastModifiedTime);
  return o;
}

export class EndpointServiceImpl implements EndpointService {
  private readonly endpoints = new Map<string, LiveEndpoint>();
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly loadModel: (spec: ModelSpec) => Promise<LoadedModel>;
  private readonly idPrefix = randomBytes(6).toString('hex');
  private idCounter = 0;
  private readonly weightListeners: WeightChangeListener[] = [];
  private unlisten: (() => Promise<void>) | null = null;
  private closed = false;
  /** Background loads, so tests and shutdown can wait for them. */
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly deps: EndpointServiceDeps) {
    this.random = deps.random ?? Math.random;
    this.now = deps.now ?? Date.now;
    this.loadModel = deps.loadModel ?? defaultLoadModel;
  }

  /** Creates tables, brings back every endpoint that was serving, and follows changes made by other replicas. */
  async start(): Promise<void> {
    await this.deps.db.migrate(ENDPOINT_MIGRATIONS);
    this.deps.registry.inUse = async (name, version) => this.registryUser(name, version);
    const rows = await this.deps.db.all<{ name: string }>('SELECT name FROM ep_endpoints ORDER BY name');
    await Promise.all(rows.map((r) => this.reload(r.name)));
    this.unlisten = await this.deps.db.listen('endpoints', (name) => {
      if (!this.closed) void this.reload(name).catch(() => {});
    });
  }

  onWeightsChanged(listener: WeightChangeListener): void {
    this.weightListeners.push(listener);
  }

  /** Waits until background model loads have finished (tests, demo). */
  async settle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  // ---------- models ----------

  async createModel(input: { ModelName: string; PrimaryContainer?: ContainerDefinition; Containers?: ContainerDefinition[]; ExecutionRoleArn?: string }): Promise<ModelRecord> {
    const name = checkName('model', 'modelName', input.ModelName);
    const container = input.PrimaryContainer ?? input.Containers?.[0];
    if (!container) throw validation('Either PrimaryContainer or Containers must be provided.');
    if (input.Containers && input.Containers.length > 1) throw validation('splitserve serves one container per model; inference pipelines (several Containers) are not supported.');
    const record: ModelRecord = {
      ModelName: name,
      ModelArn: arn('model', name),
      PrimaryContainer: { Image: container.Image, ModelDataUrl: container.ModelDataUrl, Environment: container.Environment },
      ExecutionRoleArn: input.ExecutionRoleArn,
      CreationTime: new Date(this.now()),
    };
    const res = await this.deps.db.run('INSERT INTO ep_models (name, record, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING', [name, JSON.stringify(record), this.now()]);
    if (res.changes === 0) throw validation(`Cannot create already existing model "${record.ModelArn}".`);
    return record;
  }

  async describeModel(name: string): Promise<ModelRecord> {
    const row = await this.deps.db.get<{ record: string }>('SELECT record FROM ep_models WHERE name = ?', [name]);
    if (!row) throw validation(`Could not find model "${arn('model', String(name))}".`);
    return reviveDates(JSON.parse(row.record));
  }

  async listModels(filter: { NameContains?: string } = {}): Promise<ModelRecord[]> {
    const rows = await this.deps.db.all<{ record: string }>('SELECT record FROM ep_models ORDER BY created_at DESC, name');
    return rows.map((r) => reviveDates(JSON.parse(r.record) as ModelRecord)).filter((m) => !filter.NameContains || m.ModelName.toLowerCase().includes(filter.NameContains.toLowerCase()));
  }

  async deleteModel(name: string): Promise<void> {
    const res = await this.deps.db.run('DELETE FROM ep_models WHERE name = ?', [name]);
    if (res.changes === 0) throw validation(`Could not find model "${arn('model', String(name))}".`);
  }

  // ---------- endpoint configs ----------

  async createEndpointConfig(input: {
    EndpointConfigName: string;
    ProductionVariants: ProductionVariantConfig[];
    ShadowProductionVariants?: ProductionVariantConfig[];
    DataCaptureConfig?: DataCaptureConfig;
  }): Promise<EndpointConfigRecord> {
    const name = checkName('endpoint config', 'endpointConfigName', input.EndpointConfigName);
    const production = await this.checkVariants(input.ProductionVariants, 'productionVariants');
    const shadows = input.ShadowProductionVariants?.length ? await this.checkVariants(input.ShadowProductionVariants, 'shadowProductionVariants') : undefined;
    if (shadows) {
      if (shadows.length > 1) throw validation('Only one shadow variant is supported per endpoint configuration.');
      const clash = shadows.find((s) => production.some((p) => p.VariantName === s.VariantName));
      if (clash) throw validation(`Variant name "${clash.VariantName}" is used by both a production and a shadow variant.`);
    }
    const dc = input.DataCaptureConfig;
    if (dc) {
      const pct = dc.InitialSamplingPercentage;
      if (!Number.isInteger(pct) || pct < 0 || pct > 100) throw validation(`1 validation error detected: Value '${pct}' at 'dataCaptureConfig.initialSamplingPercentage' failed to satisfy constraint: Member must have value between 0 and 100`);
      if (!Array.isArray(dc.CaptureOptions) || dc.CaptureOptions.length === 0 || dc.CaptureOptions.some((o) => !['Input', 'Output', 'InputAndOutput'].includes(o?.CaptureMode))) {
        throw validation("DataCaptureConfig.CaptureOptions must list CaptureMode 'Input', 'Output' or 'InputAndOutput'.");
      }
    }
    const record: EndpointConfigRecord = {
      EndpointConfigName: name,
      EndpointConfigArn: arn('endpoint-config', name),
      ProductionVariants: production,
      ShadowProductionVariants: shadows,
      DataCaptureConfig: dc,
      CreationTime: new Date(this.now()),
    };
    const res = await this.deps.db.run('INSERT INTO ep_configs (name, record, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING', [name, JSON.stringify(record), this.now()]);
    if (res.changes === 0) throw validation(`Cannot create already existing endpoint configuration "${record.EndpointConfigArn}".`);
    return record;
  }

  private async checkVariants(variants: ProductionVariantConfig[] | undefined, field: string): Promise<ProductionVariantConfig[]> {
    if (!Array.isArray(variants) || variants.length === 0) {
      throw validation(`1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
    }
    if (variants.length > MAX_VARIANTS) {
      throw validation(`1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${MAX_VARIANTS}`);
    }
    const seen = new Set<string>();
    const out: ProductionVariantConfig[] = [];
    for (const [i, v] of variants.entries()) {
      const variantName = checkName('variant', `${field}.${i + 1}.member.variantName`, v?.VariantName);
      if (seen.has(variantName)) throw validation(`The variant name(s) "${variantName}" is/are repeated in the endpoint configuration.`);
      seen.add(variantName);
      checkName('model', `${field}.${i + 1}.member.modelName`, v.ModelName);
      const weight = v.InitialVariantWeight ?? 1;
      if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
        throw validation(`1 validation error detected: Value '${weight}' at '${field}.${i + 1}.member.initialVariantWeight' failed to satisfy constraint: Member must have value greater than or equal to 0`);
      }
      const count = v.InitialInstanceCount ?? 1;
      if (!Number.isInteger(count) || count < 1 || count > 100) {
        throw validation(`1 validation error detected: Value '${count}' at '${field}.${i + 1}.member.initialInstanceCount' failed to satisfy constraint: Member must have value between 1 and 100`);
      }
      await this.describeModel(v.ModelName);
      out.push({ VariantName: variantName, ModelName: v.ModelName, InitialInstanceCount: count, InstanceType: v.InstanceType, InitialVariantWeight: weight });
    }
    if (field === 'productionVariants' && out.every((v) => v.InitialVariantWeight === 0)) {
      throw validation('The sum of InitialVariantWeight of all production variants must be greater than 0.');
    }
    return out;
  }

  async describeEndpointConfig(name: string): Promise<EndpointConfigRecord> {
    const row = await this.deps.db.get<{ record: string }>('SELECT record FROM ep_configs WHERE name = ?', [name]);
    if (!row) throw validation(`Could not find endpoint configuration "${name}".`);
    return reviveDates(JSON.parse(row.record));
  }

  async listEndpointConfigs(filter: { NameContains?: string } = {}): Promise<EndpointConfigRecord[]> {
    const rows = await this.deps.db.all<{ record: string }>('SELECT record FROM ep_configs ORDER BY created_at DESC, name');
    return rows.map((r) => reviveDates(JSON.parse(r.record) as EndpointConfigRecord)).filter((c) => !filter.NameContains || c.EndpointConfigName.toLowerCase().includes(filter.NameContains.toLowerCase()));
  }

  async deleteEndpointConfig(name: string): Promise<void> {
    const res = await this.deps.db.run('DELETE FROM ep_configs WHERE name = ?', [name]);
    if (res.changes === 0) throw validation(`Could not find endpoint configuration "${name}".`);
  }

  // ---------- endpoints ----------

  private async snapshot(configName: string): Promise<Deployed> {
    const config = await this.describeEndpointConfig(configName);
    const models: Record<string, ModelRecord> = {};
    for (const v of [...config.ProductionVariants, ...(config.ShadowProductionVariants ?? [])]) {
      models[v.ModelName] = await this.describeModel(v.ModelName).catch(() => {
        throw validation(`Could not find model "${arn('model', v.ModelName)}".`);
      });
    }
    return { config, models };
  }

  private summaries(variants: ProductionVariantConfig[] | undefined, loaded: boolean): ProductionVariantSummary[] | undefined {
    if (!variants) return undefined;
    return variants.map((v) => ({
      VariantName: v.VariantName,
      CurrentWeight: v.InitialVariantWeight ?? 1,
      DesiredWeight: v.InitialVariantWeight ?? 1,
      CurrentInstanceCount: loaded ? (v.InitialInstanceCount ?? 1) : 0,
      DesiredInstanceCount: v.InitialInstanceCount ?? 1,
    }));
  }

  async createEndpoint(input: { EndpointName: string; EndpointConfigName: string }): Promise<EndpointRecord> {
    const name = checkName('endpoint', 'endpointName', input.EndpointName);
    checkName('endpoint config', 'endpointConfigName', input.EndpointConfigName);
    const deployed = await this.snapshot(input.EndpointConfigName);
    const now = new Date(this.now());
    const record: EndpointRecord = {
      EndpointName: name,
      EndpointArn: arn('endpoint', name),
      EndpointConfigName: input.EndpointConfigName,
      EndpointStatus: 'Creating',
      ProductionVariants: this.summaries(deployed.config.ProductionVariants, false)!,
      ShadowProductionVariants: this.summaries(deployed.config.ShadowProductionVariants, false),
      CreationTime: now,
      LastModifiedTime: now,
    };
    const res = await this.deps.db.run(
      'INSERT INTO ep_endpoints (name, record, deployed, sticky, updated_at) VALUES (?, ?, ?, NULL, ?) ON CONFLICT (name) DO NOTHING',
      [name, JSON.stringify(record), JSON.stringify(deployed), this.now()],
    );
    if (res.changes === 0) throw validation(`Cannot create already existing endpoint "${record.EndpointArn}".`);
    const live: LiveEndpoint = { record, deployed, table: null, sticky: undefined, shadowInFlight: 0, lock: Promise.resolve() };
    this.endpoints.set(name, live);
    this.background(this.withLock(live, () => this.bringUp(live)));
    await this.deps.db.notify('endpoints', name);
    return structuredClone(record);
  }

  private background(p: Promise<unknown>): void {
    const tracked = p.catch(() => {});
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  private withLock<T>(live: LiveEndpoint, fn: () => Promise<T>): Promise<T> {
    const next = live.lock.then(fn, fn);
    live.lock = next.catch(() => {});
    return next;
  }

  /** Loads every variant's model and opens the endpoint for traffic, or marks it Failed. */
  private async bringUp(live: LiveEndpoint): Promise<void> {
    const started = this.now();
    try {
      const table = await this.buildTable(live.deployed, live.record.ProductionVariants, live.sticky);
      if (this.closed || this.endpoints.get(live.record.EndpointName) !== live) {
        await this.unloadTable(table);
        return;
      }
      live.sticky = table.sticky;
      live.table = table;
      live.record.EndpointStatus = 'InService';
      live.record.FailureReason = undefined;
      for (const v of live.record.ProductionVariants) v.CurrentInstanceCount = v.DesiredInstanceCount;
      for (const v of live.record.ShadowProductionVariants ?? []) v.CurrentInstanceCount = v.DesiredInstanceCount;
      live.record.LastModifiedTime = new Date(this.now());
      this.setupTime.set(live.record.EndpointName, this.now() - started);
      await this.persist(live);
      await this.recordWeights(live);
    } catch (err) {
      live.record.EndpointStatus = 'Failed';
      live.record.FailureReason = (err as Error).message;
      live.record.LastModifiedTime = new Date(this.now());
      await this.persist(live);
    }
  }

  /** Milliseconds it took to load each endpoint's models (SageMaker's ModelSetupTime). */
  readonly setupTime = new Map<string, number>();

  private async buildTable(deployed: Deployed, summaries: ProductionVariantSummary[], previousSticky: Uint8Array | undefined, reuse?: RoutingTable): Promise<RoutingTable> {
    const cacheDir = join(this.deps.dataDir, 'cache');
    const load = async (v: ProductionVariantConfig, weight: number): Promise<LiveVariant> => {
      const existing = reuse && [...reuse.variants, ...reuse.shadows].find((x) => x.modelName === v.ModelName && x.instances === (v.InitialInstanceCount ?? 1));
      if (existing) return { ...existing, name: v.VariantName, weight };
      const model = deployed.models[v.ModelName];
      try {
        const spec = await resolveModelSpec(model.PrimaryContainer, this.deps.registry, cacheDir, v.InitialInstanceCount ?? 1);
        return { name: v.VariantName, modelName: v.ModelName, model: await this.loadModel(spec), weight, instances: v.InitialInstanceCount ?? 1 };
      } catch (err) {
        const data = model.PrimaryContainer.ModelDataUrl;
        throw new Error(`variant ${v.VariantName} (model ${v.ModelName}${data ? `, ${data}` : ''}): ${(err as Error).message}`);
      }
    };
    const loaded: LiveVariant[] = [];
    try {
      for (const v of deployed.config.ProductionVariants) {
        const s = summaries.find((x) => x.VariantName === v.VariantName);
        loaded.push(await load(v, s?.CurrentWeight ?? v.InitialVariantWeight ?? 1));
      }
      const shadows: LiveVariant[] = [];
      for (const v of deployed.config.ShadowProductionVariants ?? []) shadows.push(await load(v, v.InitialVariantWeight ?? 1));
      const weights = loaded.map((v) => v.weight);
      const total = weights.reduce((a, b) => a + b, 0);
      const shadowShare = shadows.map((s) => Math.min(1, total > 0 ? s.weight / total : 0));
      return new RoutingTable(loaded, shadows, rebalance(weights, previousSticky), shadowShare);
    } catch (err) {
      for (const v of loaded) if (!reuse || ![...reuse.variants, ...reuse.shadows].some((x) => x.model === v.model)) await v.model.unload().catch(() => {});
      throw err;
    }
  }

  private async unloadTable(table: RoutingTable, keep?: RoutingTable): Promise<void> {
    for (let i = 0; i < 500 && table.inFlight > 0; i++) await new Promise((r) => setTimeout(r, 10));
    const kept = new Set(keep ? [...keep.variants, ...keep.shadows].map((v) => v.model) : []);
    for (const v of [...table.variants, ...table.shadows]) if (!kept.has(v.model)) await v.model.unload().catch(() => {});
  }

  private async persist(live: LiveEndpoint): Promise<void> {
    await this.deps.db.run('UPDATE ep_endpoints SET record = ?, deployed = ?, sticky = ?, updated_at = ? WHERE name = ?', [
      JSON.stringify(live.record),
      JSON.stringify(live.deployed),
      live.sticky ? Buffer.from(live.sticky) : null,
      this.now(),
      live.record.EndpointName,
    ]);
    await this.deps.db.notify('endpoints', live.record.EndpointName);
  }

  private async recordWeights(live: LiveEndpoint): Promise<void> {
    const weights: Record<string, number> = {};
    for (const v of live.record.ProductionVariants) weights[v.VariantName] = v.CurrentWeight;
    const at = this.now();
    await this.deps.db.run('INSERT INTO ep_weight_history (endpoint, at, weights) VALUES (?, ?, ?)', [live.record.EndpointName, at, JSON.stringify(weights)]);
    for (const l of this.weightListeners) l(live.record.EndpointName, weights, at);
  }

  /** Every weight setting the endpoint has had, oldest first (for sample-ratio checks across changes). */
  async weightHistory(name: string): Promise<{ at: number; weights: Record<string, number> }[]> {
    const rows = await this.deps.db.all<{ at: number; weights: string }>('SELECT at, weights FROM ep_weight_history WHERE endpoint = ? ORDER BY at', [name]);
    return rows.map((r) => ({ at: Number(r.at), weights: JSON.parse(r.weights) }));
  }

  private live(name: string): LiveEndpoint {
    const live = this.endpoints.get(name);
    if (!live) throw validation(`Could not find endpoint "${name}".`);
    return live;
  }

  async describeEndpoint(name: string): Promise<EndpointRecord> {
    return structuredClone(this.live(name).record);
  }

  /** What each loaded variant runs on (runtime kind, features, container instances), for the native API. */
  runtimes(name: string): { variant: string; shadow: boolean; model: string; runtime: ModelDescription }[] {
    const table = this.live(name).table;
    if (!table) return [];
    return [...table.variants.map((v) => ({ v, shadow: false })), ...table.shadows.map((v) => ({ v, shadow: true }))].map(({ v, shadow }) => ({ variant: v.name, shadow, model: v.modelName, runtime: v.model.describe() }));
  }

  async listEndpoints(filter: { NameContains?: string; StatusEquals?: string } = {}): Promise<EndpointRecord[]> {
    return [...this.endpoints.values()]
      .map((l) => structuredClone(l.record))
      .filter((e) => (!filter.NameContains || e.EndpointName.toLowerCase().includes(filter.NameContains.toLowerCase())) && (!filter.StatusEquals || e.EndpointStatus === filter.StatusEquals))
      .sort((a, b) => b.CreationTime.getTime() - a.CreationTime.getTime() || a.EndpointName.localeCompare(b.EndpointName));
  }

  /** The config an endpoint runs now (it may since have been deleted from the config list). */
  deployedConfig(name: string): EndpointConfigRecord {
    return structuredClone(this.live(name).deployed.config);
  }

  /** The deployed config's DataCaptureConfig, without copying (read on every request by data capture). */
  captureConfig(name: string): DataCaptureConfig | undefined {
    return this.endpoints.get(name)?.deployed.config.DataCaptureConfig;
  }

  /** Instance count of a variant (for InvocationsPerInstance). */
  instanceCount(name: string, variant: string): number {
    const live = this.endpoints.get(name);
    const v = live?.record.ProductionVariants.find((p) => p.VariantName === variant) ?? live?.record.ShadowProductionVariants?.find((p) => p.VariantName === variant);
    return v?.CurrentInstanceCount ?? 1;
  }

  async updateEndpoint(input: { EndpointName: string; EndpointConfigName: string }): Promise<EndpointRecord> {
    const live = this.live(checkName('endpoint', 'endpointName', input.EndpointName));
    checkName('endpoint config', 'endpointConfigName', input.EndpointConfigName);
    if (live.record.EndpointStatus !== 'InService') {
      throw validation(`Cannot update in-progress endpoint "${live.record.EndpointArn}".`);
    }
    const deployed = await this.snapshot(input.EndpointConfigName);
    live.record.EndpointStatus = 'Updating';
    live.record.LastModifiedTime = new Date(this.now());
    await this.persist(live);
    const out = structuredClone(live.record);
    this.background(
      this.withLock(live, async () => {
        const old = live.table;
        const summaries = this.summaries(deployed.config.ProductionVariants, true)!;
        try {
          // Blue/green: the new variants are loaded and warm before the router switches to them.
          const table = await this.buildTable(deployed, summaries, undefined, old ?? undefined);
          live.deployed = deployed;
          live.sticky = table.sticky;
          live.table = table;
          live.record.EndpointConfigName = input.EndpointConfigName;
          live.record.ProductionVariants = summaries;
          live.record.ShadowProductionVariants = this.summaries(deployed.config.ShadowProductionVariants, true);
          live.record.EndpointStatus = 'InService';
          live.record.FailureReason = undefined;
          live.record.LastModifiedTime = new Date(this.now());
          await this.persist(live);
          await this.recordWeights(live);
          if (old) await this.unloadTable(old, table);
        } catch (err) {
          live.record.EndpointStatus = 'InService';
          live.record.FailureReason = `Update to "${input.EndpointConfigName}" failed and was rolled back: ${(err as Error).message}`;
          live.record.LastModifiedTime = new Date(this.now());
          await this.persist(live);
        }
      }),
    );
    return out;
  }

  async updateEndpointWeightsAndCapacities(input: { EndpointName: string; DesiredWeightsAndCapacities: DesiredWeightAndCapacity[] }): Promise<EndpointRecord> {
    const live = this.live(checkName('endpoint', 'endpointName', input.EndpointName));
    const desired = input.DesiredWeightsAndCapacities;
    if (!Array.isArray(desired) || desired.length === 0) {
      throw validation("1 validation error detected: Value null at 'desiredWeightsAndCapacities' failed to satisfy constraint: Member must not be null");
    }
    return this.withLock(live, async () => {
      if (live.record.EndpointStatus !== 'InService' || !live.table) {
        throw validation(`Cannot update in-progress endpoint "${live.record.EndpointArn}".`);
      }
      const unknown = desired.filter((d) => !live.record.ProductionVariants.some((v) => v.VariantName === d?.VariantName)).map((d) => d?.VariantName);
      if (unknown.length) throw validation(`The variant(s) "[${unknown.join(', ')}]" is/are not present in the endpoint "${live.record.EndpointName}".`);
      const names = desired.map((d) => d.VariantName);
      const dup = names.find((n, i) => names.indexOf(n) !== i);
      if (dup) throw validation(`The variant "${dup}" is listed more than once.`);
      for (const d of desired) {
        if (d.DesiredWeight === undefined && d.DesiredInstanceCount === undefined) throw validation(`Specify DesiredWeight or DesiredInstanceCount for variant "${d.VariantName}".`);
        if (d.DesiredWeight !== undefined && (typeof d.DesiredWeight !== 'number' || !Number.isFinite(d.DesiredWeight) || d.DesiredWeight < 0)) {
          throw validation(`1 validation error detected: Value '${d.DesiredWeight}' at 'desiredWeightsAndCapacities.member.desiredWeight' failed to satisfy constraint: Member must have value greater than or equal to 0`);
        }
        if (d.DesiredInstanceCount !== undefined && (!Number.isInteger(d.DesiredInstanceCount) || d.DesiredInstanceCount < 1 || d.DesiredInstanceCount > 100)) {
          throw validation(`1 validation error detected: Value '${d.DesiredInstanceCount}' at 'desiredWeightsAndCapacities.member.desiredInstanceCount' failed to satisfy constraint: Member must have value between 1 and 100`);
        }
      }
      const next = live.record.ProductionVariants.map((v) => {
        const d = desired.find((x) => x.VariantName === v.VariantName);
        return { ...v, DesiredWeight: d?.DesiredWeight ?? v.CurrentWeight, DesiredInstanceCount: d?.DesiredInstanceCount ?? v.CurrentInstanceCount };
      });
      if (next.every((v) => v.DesiredWeight === 0)) throw validation('The sum of the desired weights of all variants must be greater than 0.');
      const capacityChange = next.some((v) => v.DesiredInstanceCount !== v.CurrentInstanceCount);
      let table = live.table;
      if (capacityChange) {
        // Container variants get new process counts: rebuild those variants (others are reused), then swap.
        const config: EndpointConfigRecord = {
          ...live.deployed.config,
          ProductionVariants: live.deployed.config.ProductionVariants.map((p) => ({ ...p, InitialInstanceCount: next.find((n) => n.VariantName === p.VariantName)!.DesiredInstanceCount })),
        };
        table = await this.buildTable({ ...live.deployed, config }, next.map((n) => ({ ...n, CurrentWeight: n.DesiredWeight })), live.sticky, live.table);
        live.deployed = { ...live.deployed, config };
      }
      const variants = table.variants.map((v) => ({ ...v, weight: next.find((n) => n.VariantName === v.name)!.DesiredWeight }));
      const weights = variants.map((v) => v.weight);
      const total = weights.reduce((a, b) => a + b, 0);
      const shadowShare = table.shadows.map((s) => Math.min(1, s.weight / total));
      const sticky = rebalance(weights, live.sticky);
      const old = live.table;
      live.table = new RoutingTable(variants, table.shadows, sticky, shadowShare);
      live.sticky = sticky;
      live.record.ProductionVariants = next.map((v) => ({ ...v, CurrentWeight: v.DesiredWeight, CurrentInstanceCount: v.DesiredInstanceCount }));
      live.record.LastModifiedTime = new Date(this.now());
      await this.persist(live);
      await this.recordWeights(live);
      if (capacityChange && old) await this.unloadTable(old, live.table);
      return structuredClone(live.record);
    });
  }

  async deleteEndpoint(name: string): Promise<void> {
    const live = this.live(name);
    live.record.EndpointStatus = 'Deleting';
    this.endpoints.delete(name);
    await this.deps.db.run('DELETE FROM ep_endpoints WHERE name = ?', [name]);
    await this.deps.db.notify('endpoints', name);
    const table = live.table;
    live.table = null;
    this.background(this.withLock(live, async () => table && this.unloadTable(table)));
  }

  /** Re-reads one endpoint from the store (start-up, or a change made by another replica). */
  async reload(name: string): Promise<void> {
    const row = await this.deps.db.get<{ record: string; deployed: string; sticky: Buffer | null }>('SELECT record, deployed, sticky FROM ep_endpoints WHERE name = ?', [name]);
    const current = this.endpoints.get(name);
    if (!row) {
      if (current) {
        this.endpoints.delete(name);
        if (current.table) await this.unloadTable(current.table);
      }
      return;
    }
    const record = reviveDates(JSON.parse(row.record) as EndpointRecord);
    const deployed = JSON.parse(row.deployed) as Deployed;
    const sticky = row.sticky ? new Uint8Array(row.sticky) : undefined;
    if (current && JSON.stringify(current.record) === JSON.stringify(record)) return;
    if (current?.table && current.deployed.config.EndpointConfigName === deployed.config.EndpointConfigName && JSON.stringify(current.deployed) === JSON.stringify(deployed)) {
      // Only weights or status changed elsewhere: swap the table without reloading models.
      const t = current.table;
      const variants = t.variants.map((v) => ({ ...v, weight: record.ProductionVariants.find((p) => p.VariantName === v.name)?.CurrentWeight ?? v.weight }));
      current.table = new RoutingTable(variants, t.shadows, sticky ?? rebalance(variants.map((v) => v.weight), current.sticky), t.shadowShare);
      current.sticky = current.table.sticky;
      current.record = record;
      return;
    }
    if (record.EndpointStatus === 'Failed' && !current) {
      this.endpoints.set(name, { record, deployed, table: null, sticky, shadowInFlight: 0, lock: Promise.resolve() });
      return;
    }
    const live: LiveEndpoint = { record, deployed, table: null, sticky, shadowInFlight: 0, lock: Promise.resolve() };
    if (current?.table) await this.unloadTable(current.table);
    this.endpoints.set(name, live);
    const wasServing = record.EndpointStatus !== 'Failed';
    record.EndpointStatus = 'Creating';
    if (wasServing) {
      const bring = this.withLock(live, async () => {
        try {
          const table = await this.buildTable(deployed, record.ProductionVariants, sticky);
          if (this.closed || this.endpoints.get(name) !== live) {
            await this.unloadTable(table);
            return;
          }
          live.table = table;
          live.sticky = table.sticky;
          record.EndpointStatus = 'InService';
        } catch (err) {
          record.EndpointStatus = 'Failed';
          record.FailureReason = (err as Error).message;
        }
      });
      this.background(bring);
      await bring;
    }
  }

  // ---------- the hot path ----------

  private nextInferenceId(): string {
    return `${this.idPrefix}-${(++this.idCounter).toString(36)}`;
  }

  async invoke(req: InvokeRequest): Promise<InvokeResult> {
    const live = this.endpoints.get(req.endpointName);
    if (!live) throw new InvokeError('ValidationError', 400, `Endpoint ${req.endpointName} of account ${ACCOUNT_ID} not found.`);
    const table = live.table;
    if (!table || (live.record.EndpointStatus !== 'InService' && live.record.EndpointStatus !== 'Updating')) {
      throw new InvokeError('ValidationError', 400, `Endpoint ${req.endpointName} of account ${ACCOUNT_ID} is not in service (status ${live.record.EndpointStatus}).`);
    }
    let variant: LiveVariant | undefined;
    if (req.targetVariant !== undefined) {
      variant = table.byName.get(req.targetVariant);
      if (!variant) throw new InvokeError('ValidationError', 400, `The variant "${req.targetVariant}" does not exist for endpoint "${req.endpointName}".`);
    } else if (req.assignmentKey !== undefined) {
      variant = table.pickSticky(req.assignmentKey);
    } else {
      variant = table.pick(this.random());
    }
    const inferenceId = req.inferenceId ?? this.nextInferenceId();
    const observers = this.deps.observers;
    for (let i = 0; i < observers.length; i++) observers[i].invocationStarted(req.endpointName, variant.name, false);
    table.inFlight++;
    const modelStart = process.hrtime.bigint();
    let result: PredictResult | undefined;
    let failure: unknown;
    try {
      const out = variant.model.predict(req.body, req.contentType, req.accept, req.customAttributes);
      result = out instanceof Promise ? await out : out;
    } catch (err) {
      failure = err;
    } finally {
      table.inFlight--;
    }
    const end = process.hrtime.bigint();
    const modelUs = Number(end - modelStart) / 1000;
    const totalUs = Number(end - req.receivedAtNs) / 1000;
    const status = statusOf(failure);
    const event: InvocationEvent = {
      endpoint: req.endpointName,
      variant: variant.name,
      inferenceId,
      startedAt: this.now(),
      status,
      modelLatencyUs: modelUs,
      overheadLatencyUs: Math.max(0, totalUs - modelUs),
      requestBody: req.body,
      contentType: req.contentType,
      accept: req.accept,
      result,
      errorMessage: failure === undefined ? undefined : (failure as Error).message,
      shadow: false,
      assignmentKey: req.assignmentKey,
    };
    for (let i = 0; i < observers.length; i++) observers[i].invocationFinished(event);
    if (table.shadows.length && failure === undefined) this.sendShadows(live, table, req, inferenceId);
    if (failure !== undefined) throw failure;
    return { variant: variant.name, inferenceId, result: result!, customAttributes: result!.customAttributes };
  }

  /** Copies a sampled share of live requests to shadow variants after the live answer; never awaited by the caller. */
  private sendShadows(live: LiveEndpoint, table: RoutingTable, req: InvokeRequest, inferenceId: string): void {
    const cap = this.deps.shadowConcurrency ?? 64;
    for (let i = 0; i < table.shadows.length; i++) {
      if (this.random() >= table.shadowShare[i] || live.shadowInFlight >= cap) continue;
      live.shadowInFlight++;
      void this.runShadow(live, table.shadows[i], req, inferenceId);
    }
  }

  private async runShadow(live: LiveEndpoint, shadow: LiveVariant, req: InvokeRequest, inferenceId: string): Promise<void> {
    for (const o of this.deps.observers) {
      try {
        o.invocationStarted(req.endpointName, shadow.name, true);
      } catch {
        // an observer's failure never reaches the caller
      }
    }
    const start = process.hrtime.bigint();
    let result: PredictResult | undefined;
    let failure: unknown;
    try {
      await Promise.resolve();
      const out = shadow.model.predict(req.body, req.contentType, req.accept, req.customAttributes);
      result = out instanceof Promise ? await out : out;
    } catch (err) {
      failure = err;
    } finally {
      live.shadowInFlight--;
    }
    const modelUs = Number(process.hrtime.bigint() - start) / 1000;
    const event: InvocationEvent = {
      endpoint: req.endpointName,
      variant: shadow.name,
      inferenceId,
      startedAt: this.now(),
      status: statusOf(failure),
      modelLatencyUs: modelUs,
      overheadLatencyUs: 0,
      requestBody: req.body,
      contentType: req.contentType,
      accept: req.accept,
      result,
      errorMessage: failure === undefined ? undefined : (failure as Error).message,
      shadow: true,
      assignmentKey: req.assignmentKey,
    };
    for (const o of this.deps.observers) {
      try {
        o.invocationFinished(event);
      } catch {
        // an observer's failure never reaches the caller
      }
    }
  }

  /** Which endpoint uses a registry model version (for the registry's delete guard). */
  private async registryUser(name: string, version: number): Promise<string | undefined> {
    const latest = await this.deps.registry.get(name).then((v) => v.version).catch(() => undefined);
    for (const live of this.endpoints.values()) {
      for (const m of Object.values(live.deployed.models)) {
        const url = m.PrimaryContainer.ModelDataUrl ?? '';
        if (!url.startsWith('registry://')) continue;
        const [n, v] = url.slice('registry://'.length).split('/');
        if (n === name && (v ? Number(v) === version : latest === version)) return `endpoint ${live.record.EndpointName}`;
      }
    }
    return undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.unlisten?.();
    await this.settle();
    for (const live of this.endpoints.values()) {
      await live.lock;
      if (live.table) await this.unloadTable(live.table);
    }
    this.endpoints.clear();
  }
}

export { DomainError };

/** The status an invocation is measured under: the payload's 4xx, the model's own status (SageMaker counts a model 5xx as Invocation5XXErrors while the caller gets 424), else 500. */
function statusOf(failure: unknown): number {
  if (failure === undefined) return 200;
  if (failure instanceof PayloadError) return failure.status;
  if (failure instanceof ModelError) return failure.originalStatusCode;
  return 500;
}

/**
 * Which endpoint in the store uses a registry model version, without loading anything (for tools that open
 * the registry while no server runs).
 */
export async function registryUserInStore(db: Db, registry: Registry, name: string, version: number): Promise<string | undefined> {
  const rows = await db.all<{ name: string; deployed: string }>('SELECT name, deployed FROM ep_endpoints').catch(() => []);
  const latest = await registry.get(name).then((v) => v.version).catch(() => undefined);
  for (const r of rows) {
    const deployed = JSON.parse(r.deployed) as { models: Record<string, ModelRecord> };
    for (const m of Object.values(deployed.models)) {
      const url = m.PrimaryContainer.ModelDataUrl ?? '';
      if (!url.startsWith('registry://')) continue;
      const [n, v] = url.slice('registry://'.length).split('/');
      if (n === name && (v ? Number(v) === version : latest === version)) return `endpoint ${r.name}`;
    }
  }
  return undefined;
}
