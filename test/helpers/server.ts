import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { createApp, type App, type AppOptions } from '../../src/app.js';
import { startServer, type RunningServer } from '../../src/api/server.js';
import { prepareTitanic, SEED_VARIANTS, trainAndRegister, type PreparedData } from '../../src/training/index.js';

export interface TestServer {
  app: App;
  server: RunningServer;
  url: string;
  dir: string;
  data: PreparedData;
  sagemaker: SageMakerClient;
  runtime: SageMakerRuntimeClient;
  cloudwatch: CloudWatchClient;
  close(): Promise<void>;
}

/** A real splitserve (SQLite in a temp dir) on a free loopback port, with both seed variants in the registry. */
export async function startTestServer(options: Partial<AppOptions> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'splitserve-test-'));
  const app = await createApp({ dataDir: dir, intervals: { rolloutMs: 0, banditMs: 0, alarmMs: 0 }, ...options });
  const data = await prepareTitanic();
  for (const [name, params] of Object.entries(SEED_VARIANTS)) await trainAndRegister(app.registry, name, data, params);
  const server = await startServer(app, { host: '127.0.0.1', port: 0 });
  const config = { endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
  const sagemaker = new SageMakerClient(config);
  const runtime = new SageMakerRuntimeClient(config);
  const cloudwatch = new CloudWatchClient(config);
  return {
    app,
    server,
    url: server.url,
    dir,
    data,
    sagemaker,
    runtime,
    cloudwatch,
    async close() {
      sagemaker.destroy();
      runtime.destroy();
      cloudwatch.destroy();
      await server.close();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The test passengers as CSV rows (no header, as SageMaker's XGBoost takes them), with their true outcome. */
export function testRows(data: PreparedData): { rows: string[]; labels: number[] } {
  const rows: string[] = [];
  const labels: number[] = [];
  for (let r = 0; r < data.test.rows; r++) {
    const cells: string[] = [];
    for (let c = 0; c < data.test.cols; c++) {
      const v = data.test.x[r * data.test.cols + c];
      cells.push(Number.isNaN(v) ? '' : String(v));
    }
    rows.push(cells.join(','));
    labels.push(data.test.y[r]);
  }
  return { rows, labels };
}
