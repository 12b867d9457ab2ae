import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeEndpointCommand, SageMakerClient, UpdateEndpointWeightsAndCapacitiesCommand, waitUntilEndpointInService } from '@aws-sdk/client-sagemaker';
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { runCli, startServeProcess, stopProcess, type ServerProcess } from '../helpers/process.js';
import { deploySeedEndpoint } from '../helpers/endpoint.js';

const ROW = '3,0,22,1,0,7.25,0';

function clients(url: string) {
  const config = { endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
  return { sm: new SageMakerClient(config), cw: new CloudWatchClient(config) };
}

async function invoke(url: string, endpoint: string): Promise<number> {
  const res = await fetch(`${url}/endpoints/${endpoint}/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: ROW });
  await res.arrayBuffer();
  return res.status;
}

describe('restarts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'splitserve-restart-'));
  let server: ServerProcess | undefined;
  after(async () => {
    if (server) await stopProcess(server, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('brings every endpoint back InService with the same weights after kill -9 under load, and keeps exact counts over a graceful restart', async () => {
    runCli(['--data-dir', dir, 'train', '--seed-variants', '--json']);
    server = await startServeProcess(dir);
    let c = clients(server.url);
    await deploySeedEndpoint(c.sm, 'survivor', [80, 20]);
    await c.sm.send(new UpdateEndpointWeightsAndCapacitiesCommand({ EndpointName: 'survivor', DesiredWeightsAndCapacities: [{ VariantName: 'VariantA', DesiredWeight: 70 }, { VariantName: 'VariantB', DesiredWeight: 30 }] }));

    let served = 0;
    let stop = false;
    const url = server.url;
    const load = Array.from({ length: 4 }, async () => {
      while (!stop) {
        const status = await invoke(url, 'survivor').catch(() => -1);
        if (status === 200) served++;
      }
    });
    while (served < 300) await new Promise((r) => setTimeout(r, 10));
    assert.equal(await stopProcess(server, 'SIGKILL'), null, 'killed by signal');
    stop = true;
    await Promise.all(load);
    c.sm.destroy();
    c.cw.destroy();

    server = await startServeProcess(dir);
    c = clients(server.url);
    await waitUntilEndpointInService({ client: c.sm, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { EndpointName: 'survivor' });
    const d = await c.sm.send(new DescribeEndpointCommand({ EndpointName: 'survivor' }));
    assert.equal(d.EndpointStatus, 'InService');
    assert.deepEqual(d.ProductionVariants?.map((v) => [v.VariantName, v.CurrentWeight]), [['VariantA', 70], ['VariantB', 30]]);
    assert.equal(await invoke(server.url, 'survivor'), 200);

    // Counts are exact across a graceful restart: every request served is in the stored minutes.
    await deploySeedEndpoint(c.sm, 'counted', [50, 50]);
    const start = new Date(Date.now() - 60_000);
    let ok = 0;
    for (let i = 0; i < 250; i++) if ((await invoke(server.url, 'counted')) === 200) ok++;
    assert.equal(ok, 250);
    assert.equal(await stopProcess(server, 'SIGTERM'), 0, 'graceful stop exits 0');
    c.sm.destroy();
    c.cw.destroy();
    server = await startServeProcess(dir);
    c = clients(server.url);
    let total = 0;
    for (const variant of ['VariantA', 'VariantB']) {
      const stats = await c.cw.send(
        new GetMetricStatisticsCommand({
          Namespace: 'AWS/SageMaker',
          MetricName: 'Invocations',
          Dimensions: [{ Name: 'EndpointName', Value: 'counted' }, { Name: 'VariantName', Value: variant }],
          StartTime: start,
          EndTime: new Date(Date.now() + 60_000),
          Period: 60,
          Statistics: ['Sum'],
        }),
      );
      total += (stats.Datapoints ?? []).reduce((s, p) => s + (p.Sum ?? 0), 0);
    }
    assert.equal(total, 250);
    c.sm.destroy();
    c.cw.destroy();
  });
});
