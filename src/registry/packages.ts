import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from '../store/index.js';
import { extractModelFromTarGz, isGzip, toXgboostJson } from './import.js';
import { RegistryError, type Framework, type ModelVersion, type Registry } from './registry.js';

export type ApprovalStatus = 'Approved' | 'Rejected' | 'PendingManualApproval';

export interface PackageGroup {
  name: string;
  description?: string;
  createdAt: number;
}

export interface ModelPackage {
  group: string;
  version: number;
  description?: string;
  approval: ApprovalStatus;
  approvalDescription?: string;
  image?: string;
  metadata: Record<string, string>;
  createdAt: number;
  model: ModelVersion;
}

export const PACKAGE_MIGRATIONS = [
  {
    id: 'registry-003-package-groups',
    sql: `CREATE TABLE IF NOT EXISTS registry_groups (
      name TEXT PRIMARY KEY,
      description TEXT,
      created_at BIGINT NOT NULL
    )`,
  },
  {
    id: 'registry-004-packages',
    sql: `CREATE TABLE IF NOT EXISTS registry_packages (
      name TEXT NOT NULL,
      version BIGINT NOT NULL,
      description TEXT,
      approval TEXT NOT NULL,
      approval_description TEXT,
      image TEXT,
      metadata TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      PRIMARY KEY (name, version)
    )`,
  },
];

interface PackageRow {
  name: string;
  version: number;
  description: string | null;
  approval: ApprovalStatus;
  approval_description: string | null;
  image: string | null;
  metadata: string;
  created_at: number;
}

/**
 * Model package groups and versioned packages (SageMaker Model Registry's shapes) over the registry:
 * a group is a registry name, a package is one registry version with an approval status.
 */
export class ModelPackages {
  private constructor(
    private readonly db: Db,
    private readonly registry: Registry,
    private readonly now: () => number,
  ) {}

  static async open(db: Db, registry: Registry, now: () => number = Date.now): Promise<ModelPackages> {
    await db.migrate(PACKAGE_MIGRATIONS);
    return new ModelPackages(db, registry, now);
  }

  async createGroup(name: string, description?: string): Promise<PackageGroup> {
    const res = await this.db.run('INSERT INTO registry_groups (name, description, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING', [name, description ?? null, this.now()]);
    if (res.changes === 0) throw new RegistryError(`Model Package Group already exists: ${name}`, 'Invalid');
    return this.group(name);
  }

  async group(name: string): Promise<PackageGroup> {
    const row = await this.db.get<{ name: string; description: string | null; created_at: number }>('SELECT * FROM registry_groups WHERE name = ?', [name]);
    if (!row) throw new RegistryError(`Model Package Group ${name} does not exist.`, 'NotFound');
    return { name: row.name, description: row.description ?? undefined, createdAt: Number(row.created_at) };
  }

  async groups(): Promise<PackageGroup[]> {
    const rows = await this.db.all<{ name: string; description: string | null; created_at: number }>('SELECT * FROM registry_groups ORDER BY created_at DESC, name');
    return rows.map((r) => ({ name: r.name, description: r.description ?? undefined, createdAt: Number(r.created_at) }));
  }

  async deleteGroup(name: string): Promise<void> {
    await this.group(name);
    const inside = await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM registry_packages WHERE name = ?', [name]);
    if (Number(inside?.n ?? 0) > 0) throw new RegistryError(`Model Package Group ${name} still holds ${inside!.n} model package(s); delete them first.`, 'InUse');
    await this.db.run('DELETE FROM registry_groups WHERE name = ?', [name]);
  }

  /**
   * Registers the model at `modelDataUrl` as the group's next version. registry:// copies an existing version
   * with its metadata (metrics, feature schema, hyperparameters); file:// takes a model file or model.tar.gz.
   */
  async create(input: { group: string; modelDataUrl: string; image?: string; description?: string; approval?: ApprovalStatus; metadata?: Record<string, string> }): Promise<ModelPackage> {
    await this.group(input.group);
    const source = await this.sourceOf(input.modelDataUrl);
    const model = await this.registry.register({ ...source, name: input.group });
    await this.db.run(
      'INSERT INTO registry_packages (name, version, description, approval, approval_description, image, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [input.group, model.version, input.description ?? null, input.approval ?? 'PendingManualApproval', null, input.image ?? null, JSON.stringify(input.metadata ?? {}), this.now()],
    );
    return this.get(input.group, model.version);
  }

  private async sourceOf(url: string): Promise<{ framework: Framework; artifact: Buffer; hyperparameters?: Record<string, unknown>; featureSchema?: ModelVersion['featureSchema']; metrics?: Record<string, unknown>; dataFingerprint?: string; source: string }> {
    if (url.startsWith('registry://')) {
      const [name, version] = url.slice('registry://'.length).split('/');
      const v = await this.registry.get(name, version ? Number(version) : undefined);
      const artifact = readFileSync(await this.registry.localArtifact(v));
      return { framework: v.framework, artifact, hyperparameters: v.hyperparameters, featureSchema: v.featureSchema, metrics: v.metrics, dataFingerprint: v.dataFingerprint, source: `${url} (version ${v.version})` };
    }
    if (!url.startsWith('file://') && !url.startsWith('/')) throw new RegistryError(`ModelDataUrl "${url}" must be registry://name[/version], file:// or an absolute path`, 'Invalid');
    const path = url.startsWith('file://') ? fileURLToPath(url) : url;
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (err) {
      throw new RegistryError(`${url}: cannot read the model (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'Invalid');
    }
    let name = path;
    if (isGzip(bytes)) ({ name, bytes } = await extractModelFromTarGz(bytes, path));
    const framework: Framework = name.endsWith('.onnx') ? 'onnx' : 'xgboost';
    return { framework, artifact: framework === 'xgboost' ? toXgboostJson(bytes, path) : bytes, source: url };
  }

  async get(group: string, version: number): Promise<ModelPackage> {
    const row = await this.db.get<PackageRow>('SELECT * FROM registry_packages WHERE name = ? AND version = ?', [group, version]);
    if (!row) throw new RegistryError(`Model package ${group}/${version} does not exist.`, 'NotFound');
    return this.fromRow(row);
  }

  async list(group: string, approval?: ApprovalStatus): Promise<ModelPackage[]> {
    const rows = await this.db.all<PackageRow>('SELECT * FROM registry_packages WHERE name = ? ORDER BY version', [group]);
    const out: ModelPackage[] = [];
    for (const r of rows) if (!approval || r.approval === approval) out.push(await this.fromRow(r));
    return out;
  }

  async setApproval(group: string, version: number, approval: ApprovalStatus, description?: string): Promise<ModelPackage> {
    await this.get(group, version);
    await this.db.run('UPDATE registry_packages SET approval = ?, approval_description = ? WHERE name = ? AND version = ?', [approval, description ?? null, group, version]);
    return this.get(group, version);
  }

  async delete(group: string, version: number): Promise<void> {
    await this.get(group, version);
    await this.registry.delete(group, version);
    await this.db.run('DELETE FROM registry_packages WHERE name = ? AND version = ?', [group, version]);
  }

  private async fromRow(r: PackageRow): Promise<ModelPackage> {
    return {
      group: r.name,
      version: Number(r.version),
      description: r.description ?? undefined,
      approval: r.approval,
      approvalDescription: r.approval_description ?? undefined,
      image: r.image ?? undefined,
      metadata: JSON.parse(r.metadata),
      createdAt: Number(r.created_at),
      model: await this.registry.get(r.name, Number(r.version)),
    };
  }
}
