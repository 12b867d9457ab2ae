/**
 * Shared set-up for the examples: the official AWS SDK v3 clients pointed at a running splitserve.
 * SPLITSERVE_URL (default http://127.0.0.1:8080) is the only change from code that talks to AWS.
 */
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const endpointUrl = process.env.SPLITSERVE_URL ?? 'http://127.0.0.1:8080';
const clientConfig = {
  endpoint: endpointUrl,
  region: process.env.AWS_REGION ?? 'us-east-1',
  credentials: { accessKeyId: 'splitserve', secretAccessKey: 'splitserve' },
};

export const sagemaker = new SageMakerClient(clientConfig);
export const runtime = new SageMakerRuntimeClient(clientConfig);
export const cloudwatch = new CloudWatchClient(clientConfig);

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Files the phases hand to each other (model locations, test rows), as the seed keeps them in variables. */
export const workDir = resolve(process.env.EXAMPLES_WORK_DIR ?? join(projectRoot, '.splitserve', 'examples'));

export const names = {
  modelA: 'titanic-variant-a',
  modelB: 'titanic-variant-b',
  endpointConfig: 'titanic-ab-config',
  endpoint: 'titanic-ab-endpoint',
};

export function saveState(key: string, value: unknown): void {
  mkdirSync(workDir, { recursive: true });
  writeFileSync(join(workDir, `${key}.json`), JSON.stringify(value, null, 2));
}

export function loadState<T>(key: string): T {
  const file = join(workDir, `${key}.json`);
  if (!existsSync(file)) throw new Error(`${file} is missing: run the earlier phases first`);
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}
