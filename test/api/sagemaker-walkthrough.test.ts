import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  ListEndpointConfigsCommand,
  ListEndpointsCommand,
  ListModelsCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
  waitUntilEndpointDeleted,
  waitUntilEndpointInService,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { chiSquareGoodnessOfFit } from '../../src/experiments/index.js';
import { startTestServer, testRows, type TestServer } from '../helpers/server.js';

describe("the seed's phases 2, 3 and 5 through the AWS SDK for JavaScript", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ random: mulberry(7) });
  });
  after(async () => t.close());

  it('deploys two models 80/20, splits 10,000 requests by weight, rolls back and cleans up', async () => {
    const image = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1';
    await t.sagemaker.send(new CreateModelCommand({ ModelName: 'model-a', PrimaryContainer: { Image: image, ModelDataUrl: 'registry://titanic-a' }, ExecutionRoleArn: 'arn:aws:iam::000000000000:role/x' }));
    await t.sagemaker.send(new CreateModelCommand({ ModelName: 'model-b', PrimaryContainer: { Image: image, ModelDataUrl: 'registry://titanic-b' }, ExecutionRoleArn: 'arn:aws:iam::000000000000:role/x' }));
    await t.sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: 'ab-config',
        ProductionVariants: [
          { VariantName: 'VariantA', ModelName: 'model-a', InitialInstanceCount: 1, InstanceType: 'ml.t2.medium', InitialVariantWeight: 80 },
          { VariantName: 'VariantB', ModelName: 'model-b', InitialInstanceCount: 1, InstanceType: 'ml.t2.medium', InitialVariantWeight: 20 },
        ],
      }),
    );
    await t.sagemaker.send(new CreateEndpointCommand({ EndpointName: 'ab-endpoint', EndpointConfigName: 'ab-config' }));
    await waitUntilEndpointInService({ client: t.sagemaker, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { EndpointName: 'ab-endpoint' });
    const described = await t.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'ab-endpoint' }));
    assert.equal(described.EndpointStatus, 'InService');
    assert.deepEqual(described.ProductionVariants?.map((v) => [v.VariantName, v.CurrentWeight, v.CurrentInstanceCount]), [['VariantA', 80, 1], ['VariantB', 20, 1]]);
    assert.ok(described.CreationTime instanceof Date);

    const { rows } = testRows(t.data);
    const counts: Record<string, number> = { VariantA: 0, VariantB: 0 };
    const n = 10_000;
    const batch = 50;
    for (let i = 0; i < n; i += batch) {
      const answers = await Promise.all(
        Array.from({ length: batch }, (_, k) => t.runtime.send(new InvokeEndpointCommand({ EndpointName: 'ab-endpoint', Body: Buffer.from(rows[(i + k) % rows.length]), ContentType: 'text/csv' }))),
      );
      for (const a of answers) {
        counts[a.InvokedProductionVariant!]++;
        const score = Number(Buffer.from(a.Body!).toString());
        assert.ok(score >= 0 && score <= 1);
        assert.equal(a.ContentType, 'text/csv');
      }
    }
    const test = chiSquareGoodnessOfFit([counts.VariantA, counts.VariantB], [0.8 * n, 0.2 * n]);
    assert.ok(test.pValue > 0.001, `split ${counts.VariantA}/${counts.VariantB} fails chi-square (p = ${test.pValue})`);

    await t.sagemaker.send(
      new UpdateEndpointWeightsAndCapacitiesCommand({
        EndpointName: 'ab-endpoint',
        DesiredWeightsAndCapacities: [
          { VariantName: 'VariantA', DesiredWeight: 100 },
          { VariantName: 'VariantB', DesiredWeight: 0 },
        ],
      }),
    );
    await waitUntilEndpointInService({ client: t.sagemaker, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { EndpointName: 'ab-endpoint' });
    for (let i = 0; i < 500; i++) {
      const a = await t.runtime.send(new InvokeEndpointCommand({ EndpointName: 'ab-endpoint', Body: Buffer.from(rows[i % rows.length]), ContentType: 'text/csv' }));
      assert.equal(a.InvokedProductionVariant, 'VariantA');
    }

    await t.sagemaker.send(new DeleteEndpointCommand({ EndpointName: 'ab-endpoint' }));
    await waitUntilEndpointDeleted({ client: t.sagemaker, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { EndpointName: 'ab-endpoint' });
    await t.sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName: 'ab-config' }));
    await t.sagemaker.send(new DeleteModelCommand({ ModelName: 'model-a' }));
    await t.sagemaker.send(new DeleteModelCommand({ ModelName: 'model-b' }));
    assert.equal((await t.sagemaker.send(new ListEndpointsCommand({}))).Endpoints?.length, 0);
    assert.equal((await t.sagemaker.send(new ListEndpointConfigsCommand({}))).EndpointConfigs?.length, 0);
    assert.equal((await t.sagemaker.send(new ListModelsCommand({}))).Models?.length, 0);
  });
});

function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
