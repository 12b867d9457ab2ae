import type { Command } from 'commander';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHyperparameters, prepareData, prepareTitanic, runCommandTrainer, SEED_VARIANTS, trainAndRegister, toJsonModel, type PreparedData } from '../../training/index.js';
import { TITANIC_CSV, TITANIC_SPEC, type Task } from '../../data/index.js';
import { importModelFile, RegistryError } from '../../registry/index.js';
import { withRegistry } from '../embedded.js';
import { printJson, table } from '../output.js';
import { progressBar } from '../progress.js';

const collect = (v: string, prev: string[]) => [...prev, v];

function parseParams(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of list) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new Error(`--param "${p}" must be name=value (e.g. --param max_depth=3)`);
    out[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
  }
  return out;
}

function metricsRow(name: string, version: number, m: Record<string, unknown> | undefined, ms: number): (string | number)[] {
  const f = (k: string) => (typeof m?.[k] === 'number' ? (m[k] as number).toFixed(4) : '-');
  return [`${name} v${version}`, ms.toFixed(1), f('accuracy'), f('precision'), f('recall'), f('f1'), f('auc'), f('logloss'), f('rmse'), f('r2')];
}

const METRIC_HEAD = ['model', 'train ms', 'accuracy', 'precision', 'recall', 'F1', 'AUC', 'logloss', 'RMSE', 'R²'];

/** Writes a prepared split as SageMaker training channels (label first, no header) for a command trainer. */
function writeChannels(data: PreparedData, dir: string): Record<string, string> {
  const channels: Record<string, string> = {};
  for (const part of ['train', 'validation'] as const) {
    const d = data[part];
    const lines: string[] = [];
    for (let r = 0; r < d.rows; r++) {
      const cells = [String(d.y[r])];
      for (let c = 0; c < d.cols; c++) {
        const v = d.x[r * d.cols + c];
        cells.push(Number.isNaN(v) ? '' : String(v));
      }
      lines.push(cells.join(','));
    }
    mkdirSync(join(dir, part), { recursive: true });
    writeFileSync(join(dir, part, `${part}.csv`), lines.join('\n') + '\n');
    channels[part] = join(dir, part);
  }
  return channels;
}

export function register(program: Command): void {
  program
    .command('train')
    .description('train an XGBoost model with libxgboost (or run your own training command) and register it')
    .option('--data <file>', 'CSV file with a header row', TITANIC_CSV)
    .option('--target <column>', 'the column to predict', 'survived')
    .option('--name <name>', 'registry name of the model')
    .option('--param <name=value>', 'an XGBoost hyperparameter (repeatable)', collect, [])
    .option('--categorical <columns>', 'comma-separated categorical columns (codes learned from the training rows)')
    .option('--features <columns>', 'comma-separated feature columns in order (default: all but target and --drop)')
    .option('--drop <columns>', 'comma-separated columns to ignore')
    .option('--task <task>', 'binary, multiclass or regression (default from the objective)')
    .option('--split-seed <n>', 'seed of the stratified train/validation/test split', '42')
    .option('--seed-variants', "train the seed walkthrough's variants A and B on Titanic (titanic-a, titanic-b)")
    .option('--command <cmd>', 'bring your own trainer: a shell command run with the SageMaker training contract (SM_CHANNEL_TRAIN, SM_MODEL_DIR, SM_HPS)')
    .option('--json', 'machine-readable output')
    .action(async (opts, cmd: Command) => {
      await withRegistry(cmd, async (registry) => {
        const results: { name: string; version: number; metrics?: Record<string, unknown>; ms: number }[] = [];
        if (opts.seedVariants) {
          // --param overrides the seed's values in both variants (e.g. a different seed), validated before any work
          const overrides = parseParams(opts.param);
          const variants = Object.entries(SEED_VARIANTS).map(([name, seed]) => [name, { ...seed, ...overrides }] as const);
          for (const [, params] of variants) parseHyperparameters(params);
          const data = await prepareTitanic(Number(opts.splitSeed));
          for (const [name, params] of variants) {
            const bar = opts.json ? { update() {}, stop() {} } : progressBar(`training ${name}`, Number(params.num_round));
            const t = await trainAndRegister(registry, name, data, params, (r) => bar.update(r));
            bar.stop();
            results.push({ name, version: t.version.version, metrics: t.version.metrics, ms: t.trainMs });
          }
        } else {
          if (!opts.name) throw new Error('give the model a name with --name (or use --seed-variants)');
          const params = parseParams(opts.param);
          // the values given are checked before the data is read (num_class may come from the data later)
          if (!opts.command) parseHyperparameters({ ...params, ...(params.objective?.startsWith('multi:') && !params.num_class ? { num_class: 2 } : {}) });
          const objective = params.objective ?? 'binary:logistic';
          const task: Task = opts.task ?? (objective.startsWith('multi:') ? 'multiclass' : objective.startsWith('binary:') ? 'binary' : 'regression');
          const split = (s?: string) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined);
          const titanic = opts.data === TITANIC_CSV && opts.target === 'survived' && !opts.features && !opts.categorical;
          const spec = titanic ? TITANIC_SPEC : { target: opts.target, task, features: split(opts.features), categorical: split(opts.categorical), drop: split(opts.drop) };
          const data = await prepareData(opts.data, spec, { seed: Number(opts.splitSeed) });
          if (opts.command) {
            const work = mkdtempSync(join(tmpdir(), 'splitserve-train-'));
            try {
              const started = performance.now();
              const out = await runCommandTrainer({ command: ['/bin/sh', '-c', opts.command], channels: writeChannels(data, join(work, 'channels')), hyperparameters: params, workDir: join(work, 'job'), onLog: (l) => !opts.json && process.stderr.write(`  | ${l}\n`) });
              const file = out.files.find((f) => f.endsWith('xgboost-model')) ?? out.files[0];
              const v = await registry.register({ name: opts.name, framework: file.endsWith('.onnx') ? 'onnx' : 'xgboost', artifact: file.endsWith('.onnx') ? readFileSync(file) : toJsonModel(readFileSync(file), file), hyperparameters: params, featureSchema: data.schema, dataFingerprint: data.fingerprint, source: `command: ${opts.command}` });
              results.push({ name: v.name, version: v.version, ms: performance.now() - started });
            } finally {
              rmSync(work, { recursive: true, force: true });
            }
          } else {
            if (!params.objective) params.objective = task === 'regression' ? 'reg:squarederror' : task === 'multiclass' ? 'multi:softprob' : 'binary:logistic';
            if (task === 'multiclass' && !params.num_class) params.num_class = String(data.schema.classes!.length);
            const bar = opts.json ? { update() {}, stop() {} } : progressBar(`training ${opts.name}`, Number(params.num_round ?? 100));
            const t = await trainAndRegister(registry, opts.name, data, params, (r) => bar.update(r));
            bar.stop();
            results.push({ name: t.version.name, version: t.version.version, metrics: t.version.metrics, ms: t.trainMs });
          }
        }
        if (opts.json) printJson(results);
        else console.log(table(METRIC_HEAD, results.map((r) => metricsRow(r.name, r.version, r.metrics, r.ms))));
      });
    });

  const models = program.command('models').description('the model registry: list, show, import, delete');
  models
    .command('list')
    .description('every registered model version')
    .option('--json', 'machine-readable output')
    .action(async (opts, cmd: Command) => {
      await withRegistry(cmd, async (registry) => {
        const list = await registry.list();
        if (opts.json) return printJson(list);
        console.log(table(['name', 'version', 'framework', 'size', 'accuracy', 'AUC', 'parent', 'created'], list.map((v) => [v.name, v.version, v.framework, v.sizeBytes, typeof v.metrics?.accuracy === 'number' ? (v.metrics.accuracy as number).toFixed(4) : '-', typeof v.metrics?.auc === 'number' ? (v.metrics.auc as number).toFixed(4) : '-', v.parentVersion ?? '-', new Date(v.createdAt).toISOString()])));
      });
    });
  models
    .command('show <name> [version]')
    .description('one model version with its hyperparameters, schema and metrics')
    .option('--json', 'machine-readable output')
    .action(async (name: string, version: string | undefined, opts, cmd: Command) => {
      await withRegistry(cmd, async (registry) => {
        const v = await registry.get(name, version ? Number(version) : undefined);
        if (opts.json) return printJson(v);
        console.log(`${v.name} version ${v.version}  ${v.framework}  ${v.sizeBytes} bytes  sha256 ${v.sha256}`);
        console.log(`created ${new Date(v.createdAt).toISOString()}${v.parentVersion ? `  parent v${v.parentVersion}` : ''}${v.source ? `  from ${v.source}` : ''}`);
        if (v.dataFingerprint) console.log(`training data sha256 ${v.dataFingerprint}`);
        const hp = Object.entries(v.hyperparameters);
        if (hp.length) console.log(table(['hyperparameter', 'value'], hp.map(([k, x]) => [k, String(x)])));
        if (v.featureSchema) {
          const f = v.featureSchema;
          console.log(table(['feature', 'kind', 'categories (code = position)'], f.features.map((x) => [x.name, x.kind, x.kind === 'categorical' ? x.categories.join(', ') : ''])));
          console.log(`target ${f.target} (${f.task}${f.classes ? `, classes ${f.classes.join(', ')}` : ''})`);
        }
        const metrics = Object.entries(v.metrics ?? {}).filter(([, x]) => typeof x === 'number');
        if (metrics.length) console.log(table(['test metric', 'value'], metrics.map(([k, x]) => [k, Number.isInteger(x) ? String(x) : (x as number).toFixed(4)])));
      });
    });
  models
    .command('import <file>')
    .description('import an XGBoost model (JSON, UBJSON or binary), an ONNX file, or a SageMaker model.tar.gz')
    .requiredOption('--name <name>', 'registry name')
    .option('--json', 'machine-readable output')
    .action(async (file: string, opts, cmd: Command) => {
      await withRegistry(cmd, async (registry) => {
        const v = await importModelFile(registry, { name: opts.name, file });
        if (opts.json) printJson(v);
        else console.log(`imported ${file} as ${v.name} version ${v.version} (${v.framework}, sha256 ${v.sha256.slice(0, 12)}…)`);
      });
    });
  models
    .command('delete <name> [version]')
    .description('delete a version (or every version); refused while an endpoint uses it')
    .action(async (name: string, version: string | undefined, _opts, cmd: Command) => {
      await withRegistry(cmd, async (registry) => {
        try {
          const gone = await registry.delete(name, version ? Number(version) : undefined);
          console.log(`deleted ${gone.map((v) => `${v.name} v${v.version}`).join(', ')}`);
        } catch (err) {
          if (err instanceof RegistryError) throw new Error(err.message);
          throw err;
        }
      });
    });
}
