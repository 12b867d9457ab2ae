/**
 * Extension 5: a CI/CD pipeline, Train -> Test -> Register -> Deploy -> Monitor, through the same APIs:
 * a candidate is trained as a SageMaker training job, gated on its validation metrics against the champion,
 * registered and approved in the model registry, deployed as a 10% canary next to the champion and promoted or
 * rolled back by a guarded rollout judged on live traffic with ground truth.
 */
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  CreateTrainingJobCommand,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeTrainingJobCommand,
  UpdateModelPackageCommand,
  waitUntilEndpointDeleted,
  waitUntilEndpointInService,
  waitUntilTrainingJobCompletedOrStopped,
} from '@aws-sdk/client-sagemaker';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadState, native, sagemaker, trafficWithGroundTruth, workDir } from './common.js';

const stamp = Date.now();
const endpoint = 'titanic-pipeline-endpoint';

// Train
const candidate = `titanic-candidate-${stamp}`;
await sagemaker.send(new CreateTrainingJobCommand({
  TrainingJobName: candidate,
  AlgorithmSpecification: { TrainingImage: 'sagemaker-xgboost:1.7-1', TrainingInputMode: 'File' },
  RoleArn: 'arn:aws:iam::000000000000:role/splitserve',
  HyperParameters: { objective: 'binary:logistic', num_round: '80', max_depth: '4', eta: '0.15', subsample: '0.9' },
  InputDataConfig: ['train', 'validation'].map((channel) => ({
    ChannelName: channel,
    ContentType: 'text/csv',
    DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: pathToFileURL(join(workDir, 'data', channel)).href } },
  })),
  OutputDataConfig: { S3OutputPath: pathToFileURL(join(workDir, 'output')).href },
  ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 5 },
  StoppingCondition: { MaxRuntimeInSeconds: 600 },
}));
await waitUntilTrainingJobCompletedOrStopped({ client: sagemaker, maxWaitTime: 300, minDelay: 1, maxDelay: 2 }, { TrainingJobName: candidate });

// Test: the candidate must not be worse than the champion (variant A's job) on validation AUC by more than a point.
const auc = async (job: string) => {
  const d = await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: job }));
  if (d.TrainingJobStatus !== 'Completed') throw new Error(`${job}: ${d.TrainingJobStatus} ${d.FailureReason ?? ''}`);
  return d.FinalMetricDataList?.find((m) => m.MetricName === 'validation:auc')?.Value ?? NaN;
};
const champion = loadState<{ modelA: string }>('training-jobs').modelA;
const [championAuc, candidateAuc] = [await auc(champion), await auc(candidate)];
console.log(`Test gate: champion AUC ${championAuc.toFixed(4)}, candidate AUC ${candidateAuc.toFixed(4)}`);
if (!(candidateAuc >= championAuc - 0.01)) {
  console.log('Candidate fails the gate; the pipeline stops here');
  process.exit(0);
}

// Register and approve
const group = `titanic-pipeline-${stamp}`;
await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
const packageArns: string[] = [];
for (const job of [champion, candidate]) {
  const created = await sagemaker.send(new CreateModelPackageCommand({
    ModelPackageGroupName: group,
    InferenceSpecification: { Containers: [{ Image: 'sagemaker-xgboost:1.7-1', ModelDataUrl: `registry://${job}` }], SupportedContentTypes: ['text/csv'], SupportedResponseMIMETypes: ['text/csv'] },
    ModelApprovalStatus: 'PendingManualApproval',
  }));
  await sagemaker.send(new UpdateModelPackageCommand({ ModelPackageArn: created.ModelPackageArn, ModelApprovalStatus: 'Approved', ApprovalDescription: 'passed the pipeline test gate' }));
  packageArns.push(created.ModelPackageArn!);
}

// Deploy: champion 90%, candidate 10%
const models = ['pipeline-champion', 'pipeline-candidate'];
for (const [i, name] of models.entries()) await sagemaker.send(new CreateModelCommand({ ModelName: name, PrimaryContainer: { ModelPackageName: packageArns[i] } }));
await sagemaker.send(new CreateEndpointConfigCommand({
  EndpointConfigName: `${endpoint}-config`,
  ProductionVariants: [
    { VariantName: 'Champion', ModelName: models[0], InitialInstanceCount: 1, InstanceType: 'ml.t2.medium', InitialVariantWeight: 90 },
    { VariantName: 'Candidate', ModelName: models[1], InitialInstanceCount: 1, InstanceType: 'ml.t2.medium', InitialVariantWeight: 10 },
  ],
}));
await sagemaker.send(new CreateEndpointCommand({ EndpointName: endpoint, EndpointConfigName: `${endpoint}-config` }));
await waitUntilEndpointInService({ client: sagemaker, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { EndpointName: endpoint });

// Monitor: a canary rollout with guardrails decides
await native('PUT', `/v1/endpoints/${endpoint}/rollout`, {
  control: 'Champion', challenger: 'Candidate', strategy: 'canary', canaryPercent: 10, bakeSeconds: 1, minSamples: 20,
  guardrails: { maxErrorRate: 0.01, maxLatencyP99Us: 250_000, maxAccuracyDrop: 0.1 },
});
type Status = { state: { status: string; reason?: string } };
let status = await native<Status>('GET', `/v1/endpoints/${endpoint}/rollout`);
for (let round = 0; round < 30 && status.state.status === 'running'; round++) {
  await trafficWithGroundTruth(endpoint, 60, 'pipeline');
  await new Promise((r) => setTimeout(r, 1100));
  status = (await native<Status | null>('POST', `/v1/endpoints/${endpoint}/rollout/evaluate`)) ?? status;
}
console.log(`Canary ${status.state.status}: ${status.state.reason ?? ''}`);

await sagemaker.send(new DeleteEndpointCommand({ EndpointName: endpoint }));
await waitUntilEndpointDeleted({ client: sagemaker, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { EndpointName: endpoint });
await sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName: `${endpoint}-config` }));
for (const name of models) await sagemaker.send(new DeleteModelCommand({ ModelName: name }));
if (status.state.status === 'running') throw new Error('the canary did not finish');
