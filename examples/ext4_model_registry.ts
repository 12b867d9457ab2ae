/**
 * Extension 4: model registry. Both trained variants become versions of one model package group (with their
 * training metrics and lineage), the better one is approved, and an endpoint is deployed from the approved package.
 */
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeModelPackageCommand,
  ListModelPackagesCommand,
  UpdateModelPackageCommand,
  waitUntilEndpointDeleted,
  waitUntilEndpointInService,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { loadState, runtime, sagemaker } from './common.js';

const group = `titanic-survival-${Date.now()}`;
const jobs = loadState<{ modelA: string; modelB: string }>('training-jobs');
await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group, ModelPackageGroupDescription: 'Titanic survival classifiers' }));
for (const [variant, job] of Object.entries(jobs)) {
  await sagemaker.send(new CreateModelPackageCommand({
    ModelPackageGroupName: group,
    ModelPackageDescription: `${variant} from training job ${job}`,
    InferenceSpecification: { Containers: [{ Image: 'sagemaker-xgboost:1.7-1', ModelDataUrl: `registry://${job}` }], SupportedContentTypes: ['text/csv'], SupportedResponseMIMETypes: ['text/csv'] },
    ModelApprovalStatus: 'PendingManualApproval',
  }));
}

const list = await sagemaker.send(new ListModelPackagesCommand({ ModelPackageGroupName: group }));
let best: { arn: string; auc: number } | undefined;
for (const summary of list.ModelPackageSummaryList ?? []) {
  const p = await sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: summary.ModelPackageArn }));
  const props = p.CustomerMetadataProperties ?? {};
  const auc = Number(Object.entries(props).find(([k]) => /auc/i.test(k))?.[1] ?? NaN);
  console.log(`version ${p.ModelPackageVersion}: ${p.ModelPackageDescription}; validation AUC ${auc.toFixed(4)}; parent version ${props['splitserve:parent-version'] ?? '-'}; sha256 ${props['splitserve:sha256']?.slice(0, 12)}`);
  if (!best || auc > best.auc) best = { arn: summary.ModelPackageArn!, auc };
}
if (!best) throw new Error('no model packages');
await sagemaker.send(new UpdateModelPackageCommand({ ModelPackageArn: best.arn, ModelApprovalStatus: 'Approved', ApprovalDescription: `highest validation AUC (${best.auc.toFixed(4)})` }));
console.log(`Approved ${best.arn}`);

const name = 'titanic-approved';
await sagemaker.send(new CreateModelCommand({ ModelName: name, PrimaryContainer: { ModelPackageName: best.arn } }));
await sagemaker.send(new CreateEndpointConfigCommand({ EndpointConfigName: `${name}-config`, ProductionVariants: [{ VariantName: 'Approved', ModelName: name, InitialInstanceCount: 1, InstanceType: 'ml.t2.medium', InitialVariantWeight: 1 }] }));
await sagemaker.send(new CreateEndpointCommand({ EndpointName: `${name}-endpoint`, EndpointConfigName: `${name}-config` }));
await waitUntilEndpointInService({ client: sagemaker, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { EndpointName: `${name}-endpoint` });
const test = loadState<{ rows: string[] }>('test-rows');
const answer = await runtime.send(new InvokeEndpointCommand({ EndpointName: `${name}-endpoint`, Body: new TextEncoder().encode(test.rows[0]), ContentType: 'text/csv' }));
console.log(`Deployed from the registry; passenger 1 survival score ${new TextDecoder().decode(answer.Body).trim()}`);
await sagemaker.send(new DeleteEndpointCommand({ EndpointName: `${name}-endpoint` }));
await waitUntilEndpointDeleted({ client: sagemaker, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { EndpointName: `${name}-endpoint` });
await sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName: `${name}-config` }));
await sagemaker.send(new DeleteModelCommand({ ModelName: name }));
