import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createApp, type App } from '../../src/app.js';
import type { InvokeRequest } from '../../src/endpoints/index.js';
import { prepareTitanic, SEED_VARIANTS, trainAndRegister } from '../../src/training/index.js';
import { POSTGRES_URL } from '../helpers/db.js';
import { XGBOOST_IMAGE } from '../helpers/endpoint.js';

const ROW = Buffer.from('1,1,38,1,0,71.2833,1');

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('two replicas on one PostgreSQL store', () => {
  const schema = 't_' + randomBytes(6).toString('hex');
  const dirs = [mkdtempSync(join(tmpdir(), 'splitserve-r1-')), mkdtempSync(join(tmpdir(), 'splitserve-r2-'))];
  const apps: App[] = [];
  after(async () => {
    for (const a of apps) await a.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    const c = new pg.Client({ connectionString: POSTGRES_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
  });

  it('serves an endpoint created on one replica from the other, with weight changes seen at once and no shared disk', async () => {
    const open = (dataDir: string) => createApp({ dataDir, store: { url: POSTGRES_URL, schema }, intervals: { rolloutMs: 0, banditMs: 0, alarmMs: 0 } });
    const first = await open(dirs[0]);
    apps.push(first);
    const data = await prepareTitanic();
    for (const [name, params] of Object.entries(SEED_VARIANTS)) await trainAndRegister(first.registry, name, data, params);
    const second = await open(dirs[1]);
    apps.push(second);

    for (const n of ['a', 'b']) await first.endpoints.createModel({ ModelName: `m-${n}`, PrimaryContainer: { Image: XGBOOST_IMAGE, ModelDataUrl: `registry://titanic-${n}` } });
    await first.endpoints.createEndpointConfig({
      EndpointConfigName: 'shared-config',
      ProductionVariants: [
        { VariantName: 'VariantA', ModelName: 'm-a', InitialVariantWeight: 80 },
        { VariantName: 'VariantB', ModelName: 'm-b', InitialVariantWeight: 20 },
      ],
    });
    await first.endpoints.createEndpoint({ EndpointName: 'shared', EndpointConfigName: 'shared-config' });
    await until('InService on the second replica', async () => (await second.endpoints.describeEndpoint('shared').catch(() => undefined))?.EndpointStatus === 'InService');

    const request = (targetVariant?: string): InvokeRequest => ({
      endpointName: 'shared',
      body: ROW,
      contentType: 'text/csv',
      accept: undefined,
      targetVariant,
      customAttributes: undefined,
      inferenceId: undefined,
      assignmentKey: undefined,
      receivedAtNs: process.hrtime.bigint(),
    });
    const invokeOn = (app: App, target?: string) => app.endpoints.invoke(request(target));
    const answer = await invokeOn(second);
    assert.ok(['VariantA', 'VariantB'].includes(answer.variant));
    const fromFirst = await invokeOn(first, answer.variant);
    assert.equal(Buffer.from(fromFirst.result.body).toString(), Buffer.from(answer.result.body).toString(), 'both replicas load the same model');

    await first.endpoints.updateEndpointWeightsAndCapacities({ EndpointName: 'shared', DesiredWeightsAndCapacities: [{ VariantName: 'VariantA', DesiredWeight: 0 }, { VariantName: 'VariantB', DesiredWeight: 1 }] });
    await until('the weight change on the second replica', async () => (await second.endpoints.describeEndpoint('shared')).ProductionVariants[0].CurrentWeight === 0);
    for (let i = 0; i < 200; i++) assert.equal((await invokeOn(second)).variant, 'VariantB');

    await first.endpoints.deleteEndpoint('shared');
    await until('the delete on the second replica', async () => (await second.endpoints.listEndpoints()).length === 0);
  });
});
