import { spawn } from 'node:child_process';
import { killGroup } from '../shared/process-group.js';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CommandTrainingInput {
  /** The command and its arguments (run without a shell). */
  command: string[];
  /** Channel name → folder holding that channel's data (train, validation, …). */
  channels: Record<string, string>;
  hyperparameters: Record<string, string>;
  /** Where the job keeps its folders (input config, model output, output data). */
  workDir: string;
  env?: Record<string, string>;
  onLog?: (line: string) => void;
  timeoutMs?: number;
}

export interface CommandTrainingResult {
  /** SM_MODEL_DIR: what the command wrote there is the model. */
  modelDir: string;
  files: string[];
  durationMs: number;
}

export class TrainingCommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly lastLines: string[],
  ) {
    super(message);
    this.name = 'TrainingCommandError';
  }
}

/**
 * Runs a training command under SageMaker's training contract: channels in SM_CHANNEL_<NAME>, the model
 * folder in SM_MODEL_DIR, hyperparameters as JSON in SM_HPS and in <input>/config/hyperparameters.json.
 * The log streams line by line; a non-zero exit fails with the code and the last log lines.
 */
export async function runCommandTrainer(input: CommandTrainingInput): Promise<CommandTrainingResult> {
  const modelDir = join(input.workDir, 'model');
  const outputDir = join(input.workDir, 'output');
  const configDir = join(input.workDir, 'input', 'config');
  for (const d of [modelDir, outputDir, join(outputDir, 'data'), configDir]) mkdirSync(d, { recursive: true });
  writeFileSync(join(configDir, 'hyperparameters.json'), JSON.stringify(input.hyperparameters));
  writeFileSync(join(configDir, 'inputdataconfig.json'), JSON.stringify(Object.fromEntries(Object.keys(input.channels).map((c) => [c, { TrainingInputMode: 'File' }]))));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...input.env,
    SM_MODEL_DIR: modelDir,
    SM_OUTPUT_DIR: outputDir,
    SM_OUTPUT_DATA_DIR: join(outputDir, 'data'),
    SM_INPUT_DIR: join(input.workDir, 'input'),
    SM_INPUT_CONFIG_DIR: configDir,
    SM_HPS: JSON.stringify(input.hyperparameters),
    SM_CHANNELS: JSON.stringify(Object.keys(input.channels)),
  };
  for (const [name, dir] of Object.entries(input.channels)) env[`SM_CHANNEL_${name.toUpperCase()}`] = dir;
  for (const [k, v] of Object.entries(input.hyperparameters)) env[`SM_HP_${k.toUpperCase()}`] = v;
  const started = Date.now();
  const lastLines: string[] = [];
  const [cmd, ...args] = input.command;
  const code = await new Promise<number | null>((resolve, reject) => {
    // its own process group, so a timeout stops everything a `sh -c` command started
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        lastLines.push(line);
        if (lastLines.length > 20) lastLines.shift();
        input.onLog?.(line);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = input.timeoutMs ? setTimeout(() => killGroup(child, 'SIGKILL'), input.timeoutMs) : null;
    child.on('error', (err) => {
      if (timer) clearTimeout(timer);
      reject(new TrainingCommandError(`cannot start training command "${cmd}": ${err.message}`, null, lastLines));
    });
    child.on('close', (c) => {
      if (timer) clearTimeout(timer);
      if (buffered) {
        lastLines.push(buffered);
        input.onLog?.(buffered);
      }
      resolve(c);
    });
  });
  if (code !== 0) throw new TrainingCommandError(`training command exited with code ${code}; last lines:\n${lastLines.slice(-10).join('\n')}`, code, lastLines.slice(-10));
  const files = listFiles(modelDir);
  if (!files.length) throw new TrainingCommandError(`training command finished but wrote nothing to SM_MODEL_DIR (${modelDir})`, 0, lastLines.slice(-10));
  return { modelDir, files, durationMs: Date.now() - started };
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}
