import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  DescribeModelCommand,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
  waitUntilEndpointInService,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { startTestServer, testRows, type TestServer } from '../helpers/server.js';
import { createSeedModels, deploySeedEndpoint, XGBOOST_IMAGE } from '../helpers/endpoint.js';

async function rejects(p: Promise<unknown>, name: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(err.name, name, `expected ${name}, got ${err.name}: ${err.message}`);
    assert.match(err.message, message);
    assert.equal(err.$metadata?.httpStatusCode, 400);
    return true;
  });
}

describe('SageMaker control plane: validation as SageMaker gives it', () => {
  let t: TestServer;
  let row: string;
  before(async () => {
    t = await startTestServer();
    row = testRows(t.data).rows[0];
    await deploySeedEndpoint(t.sagemaker, 'ep', [80, 20]);
  });
  after(async () => t.close());

  it('rejects bad names, duplicates and missing references with ValidationException', async () => {
    await rejects(t.sagemaker.send(new CreateModelCommand({ ModelName: 'bad_name!', PrimaryContainer: { Image: XGBOOST_IMAGE } })), 'ValidationException', /modelName.*pattern/);
    await rejects(t.sagemaker.send(new CreateModelCommand({ ModelName: 'model-titanic-a', PrimaryContainer: { Image: XGBOOST_IMAGE, ModelDataUrl: 'registry://titanic-a' } })), 'ValidationException', /Cannot create already existing model/);
    await rejects(t.sagemaker.send(new DescribeModelCommand({ ModelName: 'nope' })), 'ValidationException', /Could not find model ".*model\/nope"/);
    await rejects(
      t.sagemaker.send(new CreateEndpointConfigCommand({ EndpointConfigName: 'c1', ProductionVariants: [{ VariantName: 'A', ModelName: 'ghost', InitialInstanceCount: 1, InitialVariantWeight: 1 }] })),
      'ValidationException',
      /Could not find model/,
    );
    await rejects(
      t.sagemaker.send(
        new CreateEndpointConfigCommand({
          EndpointConfigName: 'c2',
          ProductionVariants: [
            { VariantName: 'A', ModelName: 'model-titanic-a', InitialInstanceCount: 1, InitialVariantWeight: 0 },
            { VariantName: 'B', ModelName: 'model-titanic-b', InitialInstanceCount: 1, InitialVariantWeight: 0 },
          ],
        }),
      ),
      'ValidationException',
      /sum of InitialVariantWeight/,
    );
    await rejects(
      t.sagemaker.send(
        new CreateEndpointConfigCommand({
          EndpointConfigName: 'c3',
          ProductionVariants: [
            { VariantName: 'A', ModelName: 'model-titanic-a', InitialVariantWeight: 1 },
            { VariantName: 'A', ModelName: 'model-titanic-b', InitialVariantWeight: 1 },
          ],
        }),
      ),
      'ValidationException',
      /repeated/,
    );
    const eleven = Array.from({ length: 11 }, (_, i) => ({ VariantName: `V${i}`, ModelName: 'model-titanic-a', InitialVariantWeight: 1 }));
    await rejects(t.sagemaker.send(new CreateEndpointConfigCommand({ EndpointConfigName: 'c4', ProductionVariants: eleven })), 'ValidationException', /less than or equal to 10/);
    await rejects(t.sagemaker.send(new CreateEndpointCommand({ EndpointName: 'ep2', EndpointConfigName: 'missing-config' })), 'ValidationException', /Could not find endpoint configuration "missing-config"/);
    await rejects(t.sagemaker.send(new CreateEndpointCommand({ EndpointName: 'ep', EndpointConfigName: 'ep-config' })), 'ValidationException', /Cannot create already existing endpoint/);
  });

  it('guards weight updates: unknown variant, negative and all-zero weights', async () => {
    const send = (d: { VariantName: string; DesiredWeight?: number }[]) => t.sagemaker.send(new UpdateEndpointWeightsAndCapacitiesCommand({ EndpointName: 'ep', DesiredWeightsAndCapacities: d }));
    await rejects(send([{ VariantName: 'VariantZ', DesiredWeight: 1 }]), 'ValidationException', /VariantZ.*not present/);
    await rejects(send([{ VariantName: 'VariantA', DesiredWeight: -1 }]), 'ValidationException', /greater than or equal to 0/);
    await rejects(send([{ VariantName: 'VariantA', DesiredWeight: 0 }, { VariantName: 'VariantB', DesiredWeight: 0 }]), 'ValidationException', /greater than 0/);
    const d = await t.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'ep' }));
    assert.deepEqual(d.ProductionVariants?.map((v) => v.CurrentWeight), [80, 20], 'a rejected update changes nothing');
  });

  it('answers runtime errors as SageMaker does and passes attributes and inference ids through', async () => {
    await assert.rejects(t.runtime.send(new InvokeEndpointCommand({ EndpointName: 'ghost', Body: Buffer.from(row), ContentType: 'text/csv' })), (err: Error) => {
      assert.equal(err.name, 'ValidationError');
      assert.match(err.message, /Endpoint ghost of account \d+ not found\./);
      return true;
    });
    await assert.rejects(t.runtime.send(new InvokeEndpointCommand({ EndpointName: 'ep', TargetVariant: 'VariantZ', Body: Buffer.from(row), ContentType: 'text/csv' })), /VariantZ/);
    await assert.rejects(t.runtime.send(new InvokeEndpointCommand({ EndpointName: 'ep', Body: Buffer.from('1,2,3'), ContentType: 'text/csv' })), (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
      assert.equal(err.$metadata?.httpStatusCode, 400);
      assert.match(err.message, /feature/i);
      return true;
    });
    for (let i = 0; i < 20; i++) {
      const out = await t.runtime.send(
        new InvokeEndpointCommand({ EndpointName: 'ep', TargetVariant: 'VariantB', Body: Buffer.from(row), ContentType: 'text/csv', CustomAttributes: 'trace=abc', InferenceId: `inf-${i}` }),
      );
      assert.equal(out.InvokedProductionVariant, 'VariantB');
      assert.equal(out.CustomAttributes, undefined, 'as on SageMaker, only a model that sets custom attributes returns them');
    }
    const res = await fetch(`${t.url}/endpoints/ep/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv', 'x-amzn-sagemaker-inference-id': 'mine-1' }, body: row });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-amzn-sagemaker-inference-id'), 'mine-1');
    const generated = await fetch(`${t.url}/endpoints/ep/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: row });
    assert.ok((generated.headers.get('x-amzn-sagemaker-inference-id') ?? '').length > 8);
  });

  it('answers malformed, oversized and unknown input on the wire with a precise 4xx and keeps serving', async () => {
    const post = (headers: Record<string, string>, body: string) => fetch(`${t.url}/`, { method: 'POST', headers, body });
    const notJson = await post({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'SageMaker.ListModels' }, '{not json');
    assert.equal(notJson.status, 400);
    assert.match(String((await notJson.json()).__type), /SerializationException/);
    const unknownOp = await post({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'SageMaker.LaunchRocket' }, '{}');
    assert.equal(unknownOp.status, 400);
    assert.match(String((await unknownOp.json()).__type), /UnknownOperationException/);
    const noTarget = await post({ 'content-type': 'application/json' }, '{}');
    assert.equal(noTarget.status, 400);
    const wrongType = await post({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'SageMaker.CreateModel' }, JSON.stringify({ ModelName: 42 }));
    assert.equal(wrongType.status, 400);
    assert.match(String((await wrongType.json()).__type), /ValidationException/);
    const big = Buffer.alloc(7 * 1024 * 1024, 0x31);
    const tooBig = await fetch(`${t.url}/endpoints/ep/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: new Uint8Array(big) });
    assert.equal(tooBig.status, 413);
    const badType = await fetch(`${t.url}/endpoints/ep/invocations`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: row });
    assert.equal(badType.status, 415);
    const empty = await fetch(`${t.url}/endpoints/ep/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: '' });
    assert.equal(empty.status, 400);
    const v1Bad = await fetch(`${t.url}/v1/endpoints/ep/weights`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '[' });
    assert.ok(v1Bad.status >= 400 && v1Bad.status < 500, `v1 malformed JSON answered ${v1Bad.status}`);
    const ok = await fetch(`${t.url}/endpoints/ep/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: row });
    assert.equal(ok.status, 200, 'the server keeps serving after bad input');
    assert.equal((await fetch(`${t.url}/ping`)).status, 200);
  });

  it('refuses to delete a model or config an endpoint is using only where SageMaker does, and fails an endpoint whose model cannot load', async () => {
    // SageMaker lets you delete a model and config under a running endpoint; the endpoint keeps its deployed copy.
    await t.sagemaker.send(new CreateModelCommand({ ModelName: 'broken', PrimaryContainer: { Image: XGBOOST_IMAGE, ModelDataUrl: 'file:///nonexistent/model.json' } }));
    await t.sagemaker.send(new CreateEndpointConfigCommand({ EndpointConfigName: 'broken-config', ProductionVariants: [{ VariantName: 'Only', ModelName: 'broken', InitialVariantWeight: 1 }] }));
    await t.sagemaker.send(new CreateEndpointCommand({ EndpointName: 'broken-ep', EndpointConfigName: 'broken-config' }));
    await assert.rejects(waitUntilEndpointInService({ client: t.sagemaker, maxWaitTime: 10, minDelay: 1, maxDelay: 1 }, { EndpointName: 'broken-ep' }));
    const d = await t.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'broken-ep' }));
    assert.equal(d.EndpointStatus, 'Failed');
    assert.match(d.FailureReason ?? '', /variant Only \(model broken, .*nonexistent/);
    await t.sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName: 'ep-config' }));
    await createSeedModels(t.sagemaker, ['titanic-a']);
    const served = await t.runtime.send(new InvokeEndpointCommand({ EndpointName: 'ep', Body: Buffer.from(row), ContentType: 'text/csv' }));
    assert.ok(['VariantA', 'VariantB'].includes(served.InvokedProductionVariant!));
    await t.sagemaker.send(new DeleteModelCommand({ ModelName: 'broken' }));
  });

  it('an UpdateEndpoint whose new model cannot load is rolled back: the old variants keep serving and the reason is shown', async () => {
    await deploySeedEndpoint(t.sagemaker, 'steady', [80, 20]);
    await t.sagemaker.send(new CreateModelCommand({ ModelName: 'missing-file', PrimaryContainer: { Image: XGBOOST_IMAGE, ModelDataUrl: 'file:///nonexistent/next.json' } }));
    await t.sagemaker.send(new CreateEndpointConfigCommand({ EndpointConfigName: 'next-config', ProductionVariants: [{ VariantName: 'Next', ModelName: 'missing-file', InitialVariantWeight: 1 }] }));
    let failures = 0;
    let served = 0;
    let stop = false;
    const traffic = (async () => {
      while (!stop) {
        try {
          await t.runtime.send(new InvokeEndpointCommand({ EndpointName: 'steady', Body: Buffer.from(row), ContentType: 'text/csv' }));
          served++;
        } catch {
          failures++;
        }
      }
    })();
    await t.sagemaker.send(new UpdateEndpointCommand({ EndpointName: 'steady', EndpointConfigName: 'next-config' }));
    await t.app.endpoints.settle();
    stop = true;
    await traffic;
    const d = await t.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'steady' }));
    assert.equal(d.EndpointStatus, 'InService');
    assert.equal(d.EndpointConfigName, 'steady-config');
    assert.deepEqual(d.ProductionVariants?.map((v) => `${v.VariantName} ${v.CurrentWeight}`), ['VariantA 80', 'VariantB 20']);
    assert.match(d.FailureReason ?? '', /Update to "next-config" failed and was rolled back: variant Next \(model missing-file, file:\/\/\/nonexistent\/next\.json\)/);
    assert.equal(failures, 0, `${served} requests served during the failed update, none failed`);
    assert.ok(served > 0);
  });
});
