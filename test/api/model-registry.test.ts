import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateModelCommand,
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DeleteModelPackageGroupCommand,
  DescribeModelCommand,
  DescribeModelPackageCommand,
  ListModelPackagesCommand,
  UpdateModelPackageCommand,
  CreateEndpointConfigCommand,
  CreateEndpointCommand,
  waitUntilEndpointInService,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { startTestServer, testRows, type TestServer } from '../helpers/server.js';
import { XGBOOST_IMAGE } from '../helpers/endpoint.js';
import { loadModel } from '../../src/runtime/index.js';

describe('SageMaker Model Registry operations (the seed\'s extension 4)', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => t.close());

  it('versions models in a package group with lineage and approval, and deploys an approved version', async () => {
    await t.sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'titanic', ModelPackageGroupDescription: 'Titanic survival' }));
    await assert.rejects(t.sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'titanic' })), /already exists/);
    const v1 = await t.sagemaker.send(
      new CreateModelPackageCommand({ ModelPackageGroupName: 'titanic', ModelPackageDescription: 'variant A', InferenceSpecification: { Containers: [{ Image: XGBOOST_IMAGE, ModelDataUrl: 'registry://titanic-a' }], SupportedContentTypes: ['text/csv'], SupportedResponseMIMETypes: ['text/csv'] }, ModelApprovalStatus: 'Approved' }),
    );
    const v2 = await t.sagemaker.send(
      new CreateModelPackageCommand({ ModelPackageGroupName: 'titanic', ModelPackageDescription: 'variant B', InferenceSpecification: { Containers: [{ Image: XGBOOST_IMAGE, ModelDataUrl: 'registry://titanic-b' }], SupportedContentTypes: ['text/csv'], SupportedResponseMIMETypes: ['text/csv'] }, CustomerMetadataProperties: { owner: 'ds-team' } }),
    );
    assert.match(v1.ModelPackageArn!, /model-package\/titanic\/1$/);
    assert.match(v2.ModelPackageArn!, /model-package\/titanic\/2$/);

    const d2 = await t.sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: v2.ModelPackageArn }));
    assert.equal(d2.ModelApprovalStatus, 'PendingManualApproval');
    assert.equal(d2.ModelPackageVersion, 2);
    assert.equal(d2.CustomerMetadataProperties?.['splitserve:parent-version'], '1', 'version 2 descends from version 1');
    assert.equal(d2.CustomerMetadataProperties?.owner, 'ds-team');
    const b = await t.app.registry.get('titanic-b');
    assert.equal(d2.CustomerMetadataProperties?.['splitserve:sha256'], b.sha256, 'same bytes as the trained model');
    assert.equal(Number(d2.CustomerMetadataProperties?.['splitserve:metric:accuracy']), (b.metrics as { accuracy: number }).accuracy);

    const pending = await t.sagemaker.send(new ListModelPackagesCommand({ ModelPackageGroupName: 'titanic', ModelApprovalStatus: 'PendingManualApproval' }));
    assert.deepEqual(pending.ModelPackageSummaryList?.map((p) => p.ModelPackageVersion), [2]);
    await t.sagemaker.send(new UpdateModelPackageCommand({ ModelPackageArn: v2.ModelPackageArn, ModelApprovalStatus: 'Approved', ApprovalDescription: 'beats A on AUC' }));
    const approved = await t.sagemaker.send(new ListModelPackagesCommand({ ModelPackageGroupName: 'titanic', ModelApprovalStatus: 'Approved' }));
    assert.deepEqual(approved.ModelPackageSummaryList?.map((p) => p.ModelPackageVersion), [1, 2]);

    await t.sagemaker.send(new CreateModelCommand({ ModelName: 'from-package', PrimaryContainer: { ModelPackageName: v2.ModelPackageArn } }));
    const model = await t.sagemaker.send(new DescribeModelCommand({ ModelName: 'from-package' }));
    assert.equal(model.PrimaryContainer?.ModelDataUrl, 'registry://titanic/2');
    await t.sagemaker.send(new CreateEndpointConfigCommand({ EndpointConfigName: 'pkg-config', ProductionVariants: [{ VariantName: 'Only', ModelName: 'from-package', InitialVariantWeight: 1 }] }));
    await t.sagemaker.send(new CreateEndpointCommand({ EndpointName: 'pkg', EndpointConfigName: 'pkg-config' }));
    await waitUntilEndpointInService({ client: t.sagemaker, maxWaitTime: 20, minDelay: 1, maxDelay: 1 }, { EndpointName: 'pkg' });
    const row = testRows(t.data).rows[3];
    const out = await t.runtime.send(new InvokeEndpointCommand({ EndpointName: 'pkg', Body: Buffer.from(row), ContentType: 'text/csv' }));
    const local = await loadModel({ kind: 'xgboost', artifactPath: await t.app.registry.localArtifact(b), featureSchema: b.featureSchema });
    const direct = await local.predict(Buffer.from(row), 'text/csv', undefined);
    assert.equal(Buffer.from(out.Body!).toString(), Buffer.from(direct.body).toString(), 'the deployed package answers as the trained model B');
    await local.unload();

    await t.sagemaker.send(new UpdateModelPackageCommand({ ModelPackageArn: v1.ModelPackageArn, ModelApprovalStatus: 'Rejected' }));
    await assert.rejects(t.sagemaker.send(new CreateModelCommand({ ModelName: 'rejected', PrimaryContainer: { ModelPackageName: v1.ModelPackageArn } })), /Rejected/);
    await assert.rejects(t.sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: 'arn:aws:sagemaker:us-east-1:000000000000:model-package/titanic/9' })), (err: Error) => err.name === 'ResourceNotFound');
    await assert.rejects(t.sagemaker.send(new DeleteModelPackageGroupCommand({ ModelPackageGroupName: 'titanic' })), (err: Error) => err.name === 'ConflictException');
  });
});
