import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../store/index.js';
import type { FeatureSchema } from '../data/index.js';
import { REGISTRY_MIGRATIONS } from './migrations.js';

export type Framework = 'xgboost' | 'onnx' | 'container';

export interface ModelVersion {
  name: string;
  version: number;
  framework: Framework;
  /** sha256 of the artifact bytes; the file lives at <dataDir>/artifacts/<sha256>. */
  sha256: string;
  sizeBytes: number;
  hyperparameters: Record<string, unknown>;
  featureSchema?: FeatureSchema;
  dataFingerprint?: string;
  metrics?: Record<string, unknown>;
  parentVersion?: number;
  source?: string;
  createdAt: number;
}

export interface RegisterInput {
  name: string;
  framework: Framework;
  artifact: Buffer;
  hyperparameters?: Record<string, unknown>;
  featureSchema?: FeatureSchema;
  dataFingerprint?: string;
  metrics?: Record<string, unknown>;
  parentVersion?: number;
  source?: string;
}

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly code: 'NotFound' | 'InUse' | 'Invalid',
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

const NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9_.]){0,62}$/;

interface Row {
  name: string;
  version: number;
  framework: Framework;
  sha256: string;
  size_bytes: number;
  hyperparameters: string;
  feature_schema: string | null;
  data_fingerprint: string | null;
  metrics: string | null;
  parent_version: number | null;
  source: string | null;
  created_at: number;
}

function fromRow(r: Row): ModelVersion {
  return {
    name: r.name,
    version: r.version,
    framework: r.framework,
    sha256: r.sha256,
    sizeBytes: r.size_bytes,
    hyperparameters: JSON.parse(r.hyperparameters),
    featureSchema: r.feature_schema ? JSON.parse(r.feature_schema) : undefined,
    dataFingerprint: r.data_fingerprint ?? undefined,
    metrics: r.metrics ? JSON.parse(r.metrics) : undefined,
    parentVersion: r.parent_version ?? undefined,
    source: r.source ?? undefined,
    createdAt: r.created_at,
  };
}

/** Content-addressed model artifacts on disk, their metadata in the store. */
export class Registry {
  /** Asked before a delete; returns who uses the version (e.g. "endpoint x"), or undefined. */
  inUse: (name: string, version: number) => Promise<string | undefined> = async () => undefined;

  private constructor(
    private readonly db: Db,
    readonly artifactDir: string,
    private readonly now: () => number,
  ) {}

  static async open(db: Db, dataDir: string, now: () => number = Date.now): Promise<Registry> {
    await db.migrate(REGISTRY_MIGRATIONS);
    const dir = join(dataDir, 'artifacts');
    mkdirSync(dir, { recursive: true });
    return new Registry(db, dir, now);
  }

  artifactPath(sha256: string): string {
    return join(this.artifactDir, sha256);
  }

  readArtifact(v: ModelVersion): Buffer {
    return readFileSync(this.artifactPath(v.sha256));
  }

  /** The artifact's local file path, copied from the store first when this replica's disk lacks it. */
  async localArtifact(v: ModelVersion): Promise<string> {
    const path = this.artifactPath(v.sha256);
    if (existsSync(path)) return path;
    const row = await this.db.get<{ bytes: Buffer }>('SELECT bytes FROM registry_artifacts WHERE sha256 = ?', [v.sha256]);
    if (!row) throw new RegistryError(`artifact ${v.sha256} of model ${v.name} version ${v.version} is neither on disk nor in the store`, 'NotFound');
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, row.bytes);
    renameSync(tmp, path);
    return path;
  }

  async register(input: RegisterInput): Promise<ModelVersion> {
    if (!NAME.test(input.name)) {
      throw new RegistryError(`invalid model name "${input.name}": letters, digits, '-', '_', '.', up to 63 characters, starting with a letter or digit`, 'Invalid');
    }
    const sha256 = createHash('sha256').update(input.artifact).digest('hex');
    const path = this.artifactPath(sha256);
    if (!existsSync(path)) {
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, input.artifact);
      renameSync(tmp, path);
    }
    return this.db.transaction(async (tx) => {
      await tx.run('INSERT INTO registry_artifacts (sha256, bytes) VALUES (?, ?) ON CONFLICT (sha256) DO NOTHING', [sha256, input.artifact]);
      const last = await tx.get<{ v: number | null }>('SELECT MAX(version) AS v FROM registry_models WHERE name = ?', [input.name]);
      const version = (last?.v ?? 0) + 1;
      const parent = input.parentVersion ?? (version > 1 ? version - 1 : undefined);
      await tx.run(
        `INSERT INTO registry_models (name, version, framework, sha256, size_bytes, hyperparameters, feature_schema, data_fingerprint, metrics, parent_version, source, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          input.name,
          version,
          input.framework,
          sha256,
          input.artifact.length,
          JSON.stringify(input.hyperparameters ?? {}),
          input.featureSchema ? JSON.stringify(input.featureSchema) : null,
          input.dataFingerprint ?? null,
          input.metrics ? JSON.stringify(input.metrics) : null,
          parent ?? null,
          input.source ?? null,
          this.now(),
        ],
      );
      const row = await tx.get<Row>('SELECT * FROM registry_models WHERE name = ? AND version = ?', [input.name, version]);
      return fromRow(row!);
    });
  }

  /** The given version, or the latest when version is omitted. */
  async get(name: string, version?: number): Promise<ModelVersion> {
    const row =
      version === undefined
        ? await this.db.get<Row>('SELECT * FROM registry_models WHERE name = ? ORDER BY version DESC LIMIT 1', [name])
        : await this.db.get<Row>('SELECT * FROM registry_models WHERE name = ? AND version = ?', [name, version]);
    if (!row) throw new RegistryError(`model ${name}${version !== undefined ? ` version ${version}` : ''} is not in the registry`, 'NotFound');
    return fromRow(row);
  }

  async list(name?: string): Promise<ModelVersion[]> {
    const rows = name
      ? await this.db.all<Row>('SELECT * FROM registry_models WHERE name = ? ORDER BY version', [name])
      : await this.db.all<Row>('SELECT * FROM registry_models ORDER BY name, version');
    return rows.map(fromRow);
  }

  /** Deletes one version (or all versions of a name); refused while something uses it. The artifact file goes when no version refers to it. */
  async delete(name: string, version?: number): Promise<ModelVersion[]> {
    const victims = version === undefined ? await this.list(name) : [await this.get(name, version)];
    if (victims.length === 0) throw new RegistryError(`model ${name} is not in the registry`, 'NotFound');
    for (const v of victims) {
      const user = await this.inUse(v.name, v.version);
      if (user) throw new RegistryError(`model ${v.name} version ${v.version} is used by ${user}; delete that first`, 'InUse');
    }
    for (const v of victims) {
      await this.db.run('DELETE FROM registry_models WHERE name = ? AND version = ?', [v.name, v.version]);
      const others = await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM registry_models WHERE sha256 = ?', [v.sha256]);
      if (Number(others?.n ?? 0) === 0) {
        await this.db.run('DELETE FROM registry_artifacts WHERE sha256 = ?', [v.sha256]);
        rmSync(this.artifactPath(v.sha256), { force: true });
      }
    }
    return victims;
  }
}
