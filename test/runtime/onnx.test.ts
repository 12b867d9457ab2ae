import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateEndpointCommand, CreateEndpointConfigCommand, CreateModelCommand, DescribeEndpointCommand, waitUntilEndpointInService } from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { OnnxModel, XgboostModel } from '../../src/runtime/index.js';
import { startTestServer, testRows, type TestServer } from '../helpers/server.js';
import { createSeedModels } from '../helpers/endpoint.js';

// An ONNX copy of seed variant A, made by scripts/make-onnx-fixture.py from the model splitserve trains
// (trees as ai.onnx.ml TreeEnsembleRegressor, then a Sigmoid; output "probabilities").
const FIXTURE = resolve('test/fixtures/titanic-a.onnx');

describe('ONNX runtime (onnxruntime-node)', () => {
  let t: TestServer;
  let rows: string[];
  before(async () => {
    t = await startTestServer();
    ({ rows } = testRows(t.data));
  });
  after(async () => t.close());

  it('loads the fixture, reads its feature count and output, and predicts as XGBoost does (float32 precision)', async () => {
    const onnx = await OnnxModel.load(FIXTURE, t.data.schema);
    const xgb = XgboostModel.fromFile(await t.app.registry.localArtifact(await t.app.registry.get('titanic-a')), t.data.schema);
    try {
      assert.deepEqual(onnx.describe(), { kind: 'onnx', features: 7, detail: { inputs: ['features'], outputs: ['probabilities'], output: 'probabilities' } });
      const body = Buffer.from(rows.join('\n'));
      const fromOnnx = (await onnx.predict(body, 'text/csv', undefined)).body.toString().split('\n').map(Number);
      const fromXgb = xgb.predict(body, 'text/csv', undefined).body.toString().split('\n').map(Number);
      assert.equal(fromOnnx.length, rows.length);
      const worst = Math.max(...fromOnnx.map((v, i) => Math.abs(v - fromXgb[i])));
      assert.ok(worst < 1e-5, `largest difference ${worst}`);
      const named = JSON.parse((await onnx.predict(Buffer.from(JSON.stringify([{ pclass: 1, sex: 'female', age: 30, sibsp: 0, parch: 0, fare: 80, embarked: 'C' }])), 'application/json', undefined)).body.toString());
      assert.ok(named.predictions[0].score > 0.9 && named.predictions[0].label === '1', JSON.stringify(named));
    } finally {
      await onnx.unload();
      await xgb.unload();
    }
  });

  it('serves an ONNX variant next to an XGBoost one on one endpoint (SageMaker API, file:// model data)', async () => {
    await createSeedModels(t.sagemaker, ['titanic-a']);
    await t.sagemaker.send(new CreateModelCommand({ ModelName: 'titanic-a-onnx', PrimaryContainer: { Image: 'mcr.microsoft.com/onnxruntime/server', ModelDataUrl: pathToFileURL(FIXTURE).href } }));
    await t.sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: 'mixed-config',
        ProductionVariants: [
          { VariantName: 'Xgboost', ModelName: 'model-titanic-a', InitialVariantWeight: 1 },
          { VariantName: 'Onnx', ModelName: 'titanic-a-onnx', InitialVariantWeight: 1 },
        ],
      }),
    );
    await t.sagemaker.send(new CreateEndpointCommand({ EndpointName: 'mixed', EndpointConfigName: 'mixed-config' }));
    await waitUntilEndpointInService({ client: t.sagemaker, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { EndpointName: 'mixed' });
    for (const row of rows.slice(0, 30)) {
      const ask = async (variant: string) => {
        const res = await t.runtime.send(new InvokeEndpointCommand({ EndpointName: 'mixed', TargetVariant: variant, ContentType: 'text/csv', Body: Buffer.from(row) }));
        assert.equal(res.InvokedProductionVariant, variant);
        return Number(Buffer.from(res.Body!).toString());
      };
      const [a, b] = [await ask('Xgboost'), await ask('Onnx')];
      assert.ok(Math.abs(a - b) < 1e-5, `${row}: ${a} vs ${b}`);
    }
  });

  it('a file that is not ONNX fails the endpoint with onnxruntime’s reason', async () => {
    const bad = join(t.dir, 'broken.onnx');
    writeFileSync(bad, 'definitely not a protobuf');
    await t.sagemaker.send(new CreateModelCommand({ ModelName: 'broken-onnx', PrimaryContainer: { Image: 'onnxruntime', ModelDataUrl: pathToFileURL(bad).href } }));
    await t.sagemaker.send(new CreateEndpointConfigCommand({ EndpointConfigName: 'broken-config', ProductionVariants: [{ VariantName: 'Only', ModelName: 'broken-onnx', InitialVariantWeight: 1 }] }));
    await t.sagemaker.send(new CreateEndpointCommand({ EndpointName: 'broken', EndpointConfigName: 'broken-config' }));
    await t.app.endpoints.settle();
    const d = await t.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'broken' }));
    assert.equal(d.EndpointStatus, 'Failed');
    assert.match(d.FailureReason ?? '', /variant Only \(model broken-onnx, file:\/\/.*broken\.onnx\): .*onnxruntime cannot load the model \(.*Protobuf parsing failed/);
  });
});
