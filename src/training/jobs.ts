import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tar from 'tar';
import type { Db } from '../store/index.js';
import type { FeatureSchema } from '../data/index.js';
import { isXgboostJson, toXgboostJson, type Registry } from '../registry/index.js';
import { parseHyperparameters } from './hyperparameters.js';
import { readLabelFirstCsv } from './numeric-csv.js';
import { trainXgboost } from './xgboost-trainer.js';
import { runCommandTrainer } from './command-trainer.js';

export interface TrainingJobInput {
  TrainingJobName: string;
  AlgorithmSpecification: { TrainingImage?: string; AlgorithmName?: string; TrainingInputMode?: string };
  HyperParameters?: Record<string, string>;
  InputDataConfig?: { ChannelName: string; DataSource: { S3DataSource?: { S3Uri: string } }; ContentType?: string }[];
  OutputDataConfig: { S3OutputPath: string };
  Environment?: Record<string, string>;
  RoleArn?: string;
}

export interface TrainingJobRecord {
  TrainingJobName: string;
  TrainingJobArn: string;
  TrainingJobStatus: 'InProgress' | 'Completed' | 'Failed' | 'Stopped';
  SecondaryStatus: string;
  FailureReason?: string;
  HyperParameters: Record<string, string>;
  AlgorithmSpecification: TrainingJobInput['AlgorithmSpecification'];
  InputDataConfig: NonNullable<TrainingJobInput['InputDataConfig']>;
  OutputDataConfig: { S3OutputPath: string };
  ModelArtifacts?: { S3ModelArtifacts: string };
  FinalMetricDataList?: { MetricName: string; Value: number; Timestamp: number }[];
  CreationTime: number;
  TrainingStartTime?: number;
  TrainingEndTime?: number;
  LastModifiedTime: number;
  /** splitserve: the registry entry the model was registered as. */
  RegistryModel?: { name: string; version: number };
}

export const TRAINING_COMMAND_ENV = 'SPLITSERVE_TRAINING_COMMAND';

export class TrainingJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationException';
  }
}

const MIGRATIONS = [{ id: 'training-001-jobs', sql: 'CREATE TABLE IF NOT EXISTS train_jobs (name TEXT PRIMARY KEY, record TEXT NOT NULL, created_at BIGINT NOT NULL)' }];

function localPath(uri: string, what: string): string {
  if (uri.startsWith('file://')) return fileURLToPath(uri);
  if (uri.startsWith('/')) return uri;
  throw new TrainingJobError(`${what} "${uri}" must be a file:// URL or an absolute path (splitserve cannot reach S3)`);
}

/**
 * SageMaker training jobs on this machine: the built-in XGBoost algorithm (any TrainingImage naming xgboost,
 * SageMaker's CSV format: label first, no header) or a command under the training contract. The model goes to
 * <S3OutputPath>/<job>/output/model.tar.gz (holding `xgboost-model`) and into the registry under the job's name.
 */
export class TrainingJobs {
  private readonly running = new Set<Promise<void>>();

  private constructor(
    private readonly db: Db,
    private readonly registry: Registry,
    private readonly now: () => number,
  ) {}

  static async open(db: Db, registry: Registry, now: () => number = Date.now): Promise<TrainingJobs> {
    await db.migrate(MIGRATIONS);
    return new TrainingJobs(db, registry, now);
  }

  async create(input: TrainingJobInput): Promise<TrainingJobRecord> {
    if (!/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(input.TrainingJobName ?? '')) {
      throw new TrainingJobError(`1 validation error detected: Value '${input.TrainingJobName}' at 'trainingJobName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`);
    }
    const image = input.AlgorithmSpecification?.TrainingImage ?? input.AlgorithmSpecification?.AlgorithmName ?? '';
    const builtIn = /xgboost/i.test(image);
    if (!builtIn && !input.Environment?.[TRAINING_COMMAND_ENV]) {
      throw new TrainingJobError(`TrainingImage "${image}" is not the built-in XGBoost algorithm; give the training command in Environment ${TRAINING_COMMAND_ENV}`);
    }
    const channels = input.InputDataConfig ?? [];
    if (builtIn && !channels.some((c) => c.ChannelName === 'train')) throw new TrainingJobError('the built-in XGBoost algorithm needs a "train" channel in InputDataConfig');
    for (const c of channels) localPath(c.DataSource?.S3DataSource?.S3Uri ?? '', `channel ${c.ChannelName} S3Uri`);
    localPath(input.OutputDataConfig?.S3OutputPath ?? '', 'OutputDataConfig.S3OutputPath');
    if (builtIn) parseHyperparameters(input.HyperParameters ?? {});
    const now = this.now();
    const record: TrainingJobRecord = {
      TrainingJobName: input.TrainingJobName,
      TrainingJobArn: `arn:aws:sagemaker:${process.env.AWS_REGION ?? 'us-east-1'}:000000000000:training-job/${input.TrainingJobName.toLowerCase()}`,
      TrainingJobStatus: 'InProgress',
      SecondaryStatus: 'Starting',
      HyperParameters: input.HyperParameters ?? {},
      AlgorithmSpecification: input.AlgorithmSpecification,
      InputDataConfig: channels,
      OutputDataConfig: input.OutputDataConfig,
      CreationTime: now,
      LastModifiedTime: now,
    };
    const res = await this.db.run('INSERT INTO train_jobs (name, record, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING', [record.TrainingJobName, JSON.stringify(record), now]);
    if (res.changes === 0) throw new TrainingJobError(`Training job names must be unique within an AWS account and region, and a training job with this name already exists (${record.TrainingJobArn})`);
    const run = this.run(record, input, builtIn).catch(() => {});
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return record;
  }

  private async save(record: TrainingJobRecord): Promise<void> {
    record.LastModifiedTime = this.now();
    await this.db.run('UPDATE train_jobs SET record = ? WHERE name = ?', [JSON.stringify(record), record.TrainingJobName]);
  }

  private async run(record: TrainingJobRecord, input: TrainingJobInput, builtIn: boolean): Promise<void> {
    await new Promise((r) => setImmediate(r));
    record.TrainingStartTime = this.now();
    record.SecondaryStatus = 'Training';
    await this.save(record);
    const work = mkdtempSync(join(tmpdir(), `splitserve-job-${record.TrainingJobName}-`));
    try {
      const channels = Object.fromEntries(record.InputDataConfig.map((c) => [c.ChannelName, localPath(c.DataSource.S3DataSource!.S3Uri, 'channel')]));
      let model: Buffer;
      let schema: FeatureSchema | undefined;
      const metrics: { MetricName: string; Value: number; Timestamp: number }[] = [];
      if (builtIn) {
        const hp = parseHyperparameters(record.HyperParameters);
        const train = readLabelFirstCsv(channels.train);
        const validation = channels.validation ? readLabelFirstCsv(channels.validation) : undefined;
        const task = hp.objective.startsWith('multi:') ? 'multiclass' : hp.objective.startsWith('binary:') ? 'binary' : 'regression';
        schema = { features: Array.from({ length: train.cols }, (_, i) => ({ name: `f${i}`, kind: 'numeric' as const })), target: 'label', task, classes: task === 'binary' ? ['0', '1'] : undefined };
        const out = trainXgboost({ train, validation, test: validation, schema, hyperparameters: hp });
        model = out.model;
        const last = out.evalLog[out.evalLog.length - 1];
        if (last) for (const part of last.split('\t').slice(1)) {
          const [name, value] = part.split(':');
          metrics.push({ MetricName: `${name.split('-')[0]}:${name.split('-').slice(1).join('-')}`, Value: Number(value), Timestamp: this.now() / 1000 });
        }
        if (out.metrics && 'accuracy' in out.metrics) {
          metrics.push({ MetricName: 'validation:accuracy', Value: out.metrics.accuracy, Timestamp: this.now() / 1000 });
          metrics.push({ MetricName: 'validation:auc', Value: out.metrics.auc, Timestamp: this.now() / 1000 });
        }
      } else {
        const result = await runCommandTrainer({
          command: ['/bin/sh', '-c', input.Environment![TRAINING_COMMAND_ENV]],
          channels,
          hyperparameters: record.HyperParameters,
          workDir: work,
          env: input.Environment,
        });
        const file = result.files.find((f) => f.endsWith('xgboost-model')) ?? result.files[0];
        model = readFileSync(file);
        if (!isXgboostJson(model)) model = toXgboostJson(model, file);
      }
      const outDir = join(localPath(record.OutputDataConfig.S3OutputPath, 'output'), record.TrainingJobName, 'output');
      mkdirSync(outDir, { recursive: true });
      const staging = join(work, 'artifact');
      mkdirSync(staging, { recursive: true });
      writeFileSync(join(staging, 'xgboost-model'), model);
      const archive = join(outDir, 'model.tar.gz');
      await tar.c({ gzip: true, file: archive, cwd: staging, portable: true }, ['xgboost-model']);
      statSync(archive);
      const version = await this.registry.register({ name: record.TrainingJobName, framework: 'xgboost', artifact: model, hyperparameters: record.HyperParameters, featureSchema: schema, metrics: Object.fromEntries(metrics.map((m) => [m.MetricName, m.Value])), source: `training-job:${record.TrainingJobName}` });
      record.ModelArtifacts = { S3ModelArtifacts: `file://${archive}` };
      record.FinalMetricDataList = metrics;
      record.RegistryModel = { name: version.name, version: version.version };
      record.TrainingJobStatus = 'Completed';
      record.SecondaryStatus = 'Completed';
    } catch (err) {
      record.TrainingJobStatus = 'Failed';
      record.SecondaryStatus = 'Failed';
      record.FailureReason = (err as Error).message.slice(0, 1024);
    } finally {
      record.TrainingEndTime = this.now();
      rmSync(work, { recursive: true, force: true });
      await this.save(record);
    }
  }

  async describe(name: string): Promise<TrainingJobRecord> {
    const row = await this.db.get<{ record: string }>('SELECT record FROM train_jobs WHERE name = ?', [name]);
    if (!row) throw new TrainingJobError(`Requested resource not found: training job "${name}" does not exist`);
    return JSON.parse(row.record);
  }

  async list(): Promise<TrainingJobRecord[]> {
    const rows = await this.db.all<{ record: string }>('SELECT record FROM train_jobs ORDER BY created_at DESC');
    return rows.map((r) => JSON.parse(r.record));
  }

  async settle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}
