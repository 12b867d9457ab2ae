import { encodeTable, fingerprint, fitSchema, readCsv, stratifiedSplit, TITANIC_CSV, TITANIC_SPEC, type CsvTable, type DatasetSpec, type EncodedData, type FeatureSchema, type Split, type SplitFractions } from '../data/index.js';
import type { ModelVersion, Registry } from '../registry/index.js';
import { parseHyperparameters, type Hyperparameters } from './hyperparameters.js';
import { trainXgboost, type TrainOutput } from './xgboost-trainer.js';

/** The seed walkthrough's two variants. */
export const SEED_VARIANTS = {
  'titanic-a': { objective: 'binary:logistic', num_round: 50, max_depth: 3, eta: 0.3, subsample: 1.0 },
  'titanic-b': { objective: 'binary:logistic', num_round: 100, max_depth: 6, eta: 0.1, subsample: 0.8 },
} as const;

export interface PreparedData {
  table: CsvTable;
  schema: FeatureSchema;
  split: Split;
  train: EncodedData;
  validation: EncodedData;
  test: EncodedData;
  fingerprint: string;
}

/** Reads a CSV, splits it (stratified, seeded), learns the schema from the training rows and encodes every part. */
export async function prepareData(file: string, spec: DatasetSpec, options: { seed?: number; fractions?: SplitFractions } = {}): Promise<PreparedData> {
  const table = readCsv(file);
  if (!table.header.includes(spec.target)) {
    throw new Error(`${file}: no target column "${spec.target}" (columns: ${table.header.join(', ')})`);
  }
  const split = stratifiedSplit(table, spec.target, options.seed ?? 42, options.fractions);
  const trainTable = { ...table, rows: split.train.map((i) => table.rows[i]), lines: split.train.map((i) => table.lines[i]) };
  const schema = fitSchema(trainTable, spec);
  return {
    table,
    schema,
    split,
    train: encodeTable(table, schema, split.train),
    validation: encodeTable(table, schema, split.validation),
    test: encodeTable(table, schema, split.test),
    fingerprint: await fingerprint(table, split.train),
  };
}

/** The Titanic data as the seed walkthrough prepares it. */
export function prepareTitanic(seed = 42): Promise<PreparedData> {
  return prepareData(TITANIC_CSV, TITANIC_SPEC, { seed });
}

export interface TrainedModel {
  version: ModelVersion;
  output: TrainOutput;
  hyperparameters: Hyperparameters;
  trainMs: number;
}

/** Trains one model on prepared data and registers it (artifact, schema, fingerprint, test metrics). */
export async function trainAndRegister(
  registry: Registry,
  name: string,
  data: PreparedData,
  rawParams: Record<string, unknown>,
  onRound?: (round: number, total: number, line: string | undefined) => void,
): Promise<TrainedModel> {
  const hyperparameters = parseHyperparameters(rawParams);
  const started = performance.now();
  const output = trainXgboost({ train: data.train, validation: data.validation, test: data.test, schema: data.schema, hyperparameters, onRound });
  const trainMs = performance.now() - started;
  const version = await registry.register({
    name,
    framework: 'xgboost',
    artifact: output.model,
    hyperparameters: { ...hyperparameters },
    featureSchema: data.schema,
    dataFingerprint: data.fingerprint,
    metrics: output.metrics ? { ...output.metrics, rounds: output.rounds, bestIteration: output.bestIteration } : undefined,
    source: 'splitserve train',
  });
  return { version, output, hyperparameters, trainMs };
}
