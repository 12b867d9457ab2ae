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

/** splitserve's native REST API (beyond SageMaker): JSON in, JSON out, errors thrown with the server's message. */
export async function native<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${endpointUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Accuracy per variant from the ground truth splitserve has joined to its predictions. */
export async function accuracyByVariant(endpoint: string): Promise<Record<string, { accuracy: number; n: number }>> {
  const q = await native<{ variants: { variant: string; shadow: boolean; withFeedback: number; classification?: { accuracy: number } }[] }>('GET', `/v1/endpoints/${endpoint}/quality`);
  const out: Record<string, { accuracy: number; n: number }> = {};
  for (const v of q.variants) if (!v.shadow && v.classification) out[v.variant] = { accuracy: v.classification.accuracy, n: v.withFeedback };
  return out;
}

/** Sends test passengers to the endpoint and posts each one's true outcome as ground truth. */
export async function trafficWithGroundTruth(endpoint: string, requests: number, tag: string): Promise<Record<string, number>> {
  const { InvokeEndpointCommand } = await import('@aws-sdk/client-sagemaker-runtime');
  const test = loadState<{ rows: string[]; labels: number[] }>('test-rows');
  const counts: Record<string, number> = {};
  const items: { inferenceId: string; label: number }[] = [];
  for (let i = 0; i < requests; i++) {
    const row = i % test.rows.length;
    const inferenceId = `${tag}-${Date.now()}-${i}`;
    const response = await runtime.send(new InvokeEndpointCommand({ EndpointName: endpoint, Body: new TextEncoder().encode(test.rows[row]), ContentType: 'text/csv', InferenceId: inferenceId }));
    const variant = response.InvokedProductionVariant ?? 'unknown';
    counts[variant] = (counts[variant] ?? 0) + 1;
    items.push({ inferenceId, label: test.labels[row] });
  }
  for (let i = 0; i < items.length; i += 1000) await native('POST', `/v1/endpoints/${endpoint}/feedback`, { items: items.slice(i, i + 1000) });
  return counts;
}
