import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CreateEndpointConfigCommand, UpdateEndpointCommand, UpdateEndpointWeightsAndCapacitiesCommand, waitUntilEndpointInService, DescribeEndpointCommand } from '@aws-sdk/client-sagemaker';
import { startTestServer, testRows, type TestServer } from '../helpers/server.js';
import { deploySeedEndpoint, inParallel } from '../helpers/endpoint.js';

describe('router: sticky assignment and changes under traffic', () => {
  let t: TestServer;
  let rows: string[];
  before(async () => {
    t = await startTestServer();
    rows = testRows(t.data).rows;
  });
  after(async () => {
    await t.close();
  });

  async function invoke(endpoint: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; variant: string }> {
    const res = await fetch(`${t.url}/endpoints/${endpoint}/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv', ...headers }, body });
    await res.arrayBuffer();
    return { status: res.status, variant: res.headers.get('x-amzn-invoked-production-variant') ?? '' };
  }

  it('keeps 10,000 keys on their variant, and moves only the minimum share (about 10%) when 80/20 becomes 70/30', async () => {
    await deploySeedEndpoint(t.sagemaker, 'sticky', [80, 20]);
    const n = 10_000;
    const keyOf = (i: number) => `user-${i}`;
    const assign = (i: number) => invoke('sticky', rows[i % rows.length], { 'x-splitserve-assignment-key': keyOf(i) }).then((r) => r.variant);
    const first = await inParallel(n, 32, assign);
    const again = await inParallel(n, 32, assign);
    assert.deepEqual(again, first, 'every key keeps its variant while the weights stay');
    const shareB = first.filter((v) => v === 'VariantB').length / n;
    assert.ok(Math.abs(shareB - 0.2) < 0.015, `keys on B: ${shareB}`);

    await t.sagemaker.send(new UpdateEndpointWeightsAndCapacitiesCommand({ EndpointName: 'sticky', DesiredWeightsAndCapacities: [{ VariantName: 'VariantA', DesiredWeight: 70 }, { VariantName: 'VariantB', DesiredWeight: 30 }] }));
    const after70 = await inParallel(n, 32, assign);
    let moved = 0;
    for (let i = 0; i < n; i++) {
      if (after70[i] !== first[i]) {
        moved++;
        assert.equal(first[i], 'VariantA', `key ${i} moved away from B although B grew`);
      }
    }
    // Exactly 10% of the hash buckets move; keys fall into buckets uniformly, so the moved share is Binomial(10000, 0.1).
    assert.ok(moved / n > 0.09 && moved / n < 0.11, `moved ${moved} of ${n} keys`);
  });

  it('drops no request while weights change 100 times and the endpoint moves to a new config', async () => {
    await deploySeedEndpoint(t.sagemaker, 'busy', [50, 50]);
    let stop = false;
    let sent = 0;
    const failures: string[] = [];
    const seen = new Set<string>();
    const client = async (w: number) => {
      for (let i = w; !stop; i += 8) {
        const r = await invoke('busy', rows[i % rows.length]).catch((err: Error) => ({ status: -1, variant: err.message }));
        sent++;
        if (r.status !== 200) failures.push(`${r.status} ${r.variant}`);
        else seen.add(r.variant);
      }
    };
    const clients = Array.from({ length: 8 }, (_, w) => client(w));
    for (let k = 0; k < 100; k++) {
      const a = (k * 37) % 101;
      await t.sagemaker.send(new UpdateEndpointWeightsAndCapacitiesCommand({ EndpointName: 'busy', DesiredWeightsAndCapacities: [{ VariantName: 'VariantA', DesiredWeight: a }, { VariantName: 'VariantB', DesiredWeight: 100 - a }] }));
      await new Promise((r) => setTimeout(r, 5));
    }
    await t.sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: 'busy-v2',
        ProductionVariants: [
          { VariantName: 'VariantB', ModelName: 'model-titanic-b', InitialInstanceCount: 1, InitialVariantWeight: 1 },
          { VariantName: 'VariantC', ModelName: 'model-titanic-a', InitialInstanceCount: 1, InitialVariantWeight: 1 },
        ],
      }),
    );
    await t.sagemaker.send(new UpdateEndpointCommand({ EndpointName: 'busy', EndpointConfigName: 'busy-v2' }));
    await waitUntilEndpointInService({ client: t.sagemaker, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { EndpointName: 'busy' });
    const sentAtSwitch = sent;
    while (sent < sentAtSwitch + 400) await new Promise((r) => setTimeout(r, 10));
    stop = true;
    await Promise.all(clients);
    assert.deepEqual(failures, [], `${failures.length} of ${sent} requests failed`);
    assert.ok(sent > 1000, `only ${sent} requests were sent`);
    assert.ok(seen.has('VariantC'), 'traffic reached the new config');
    const d = await t.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'busy' }));
    assert.equal(d.EndpointConfigName, 'busy-v2');
    assert.deepEqual(d.ProductionVariants?.map((v) => v.VariantName), ['VariantB', 'VariantC']);
  });
});
