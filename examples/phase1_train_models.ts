/**
 * Phase 1: train both variants as SageMaker training jobs with the built-in XGBoost algorithm.
 * The data is prepared the way SageMaker's XGBoost expects CSV: label first, no header, numbers only
 * (Sex: male 0, female 1; Embarked: S 0, C 1, Q 2; a missing value is an empty field).
 */
import {
  CreateTrainingJobCommand,
  DescribeTrainingJobCommand,
  waitUntilTrainingJobCompletedOrStopped,
} from '@aws-sdk/client-sagemaker';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot, sagemaker, saveState, workDir } from './common.js';

const xgboostImage = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1';
const role = 'arn:aws:iam::000000000000:role/splitserve';

// Prepare train / validation / test files (every 5th passenger to validation, every 5th+1 to test).
const [, ...lines] = readFileSync(join(projectRoot, 'data', 'titanic.csv'), 'utf8').trim().split('\n');
const sexCode: Record<string, string> = { male: '0', female: '1' };
const portCode: Record<string, string> = { S: '0', C: '1', Q: '2' };
const sets = { train: [] as string[], validation: [] as string[], test: [] as string[] };
const testLabels: number[] = [];
lines.forEach((line, i) => {
  const [survived, pclass, sex, age, sibsp, parch, fare, embarked] = line.split(',');
  const features = [pclass, sexCode[sex] ?? '', age, sibsp, parch, fare, portCode[embarked] ?? ''].join(',');
  if (i % 5 === 0) sets.validation.push(`${survived},${features}`);
  else if (i % 5 === 1) {
    sets.test.push(features);
    testLabels.push(Number(survived));
  } else sets.train.push(`${survived},${features}`);
});
const dataDir = join(workDir, 'data');
for (const channel of ['train', 'validation'] as const) {
  mkdirSync(join(dataDir, channel), { recursive: true });
  writeFileSync(join(dataDir, channel, `${channel}.csv`), sets[channel].join('\n') + '\n');
}
saveState('test-rows', { rows: sets.test, labels: testLabels });

const variants = {
  modelA: { name: `titanic-a-${Date.now()}`, hyperparameters: { objective: 'binary:logistic', num_round: '50', max_depth: '3', eta: '0.3', subsample: '1.0' } },
  modelB: { name: `titanic-b-${Date.now()}`, hyperparameters: { objective: 'binary:logistic', num_round: '100', max_depth: '6', eta: '0.1', subsample: '0.8' } },
};

const artifacts: Record<string, string> = {};
for (const [key, variant] of Object.entries(variants)) {
  await sagemaker.send(new CreateTrainingJobCommand({
    TrainingJobName: variant.name,
    AlgorithmSpecification: { TrainingImage: xgboostImage, TrainingInputMode: 'File' },
    RoleArn: role,
    HyperParameters: variant.hyperparameters,
    InputDataConfig: ['train', 'validation'].map((channel) => ({
      ChannelName: channel,
      ContentType: 'text/csv',
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: pathToFileURL(join(dataDir, channel)).href } },
    })),
    OutputDataConfig: { S3OutputPath: pathToFileURL(join(workDir, 'output')).href },
    ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 5 },
    StoppingCondition: { MaxRuntimeInSeconds: 3600 },
  }));
  await waitUntilTrainingJobCompletedOrStopped({ client: sagemaker, maxWaitTime: 300, minDelay: 1, maxDelay: 2 }, { TrainingJobName: variant.name });
  const job = await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: variant.name }));
  if (job.TrainingJobStatus !== 'Completed') throw new Error(`${variant.name}: ${job.TrainingJobStatus} ${job.FailureReason ?? ''}`);
  artifacts[key] = job.ModelArtifacts!.S3ModelArtifacts!;
  const metrics = (job.FinalMetricDataList ?? []).map((m) => `${m.MetricName}=${m.Value?.toFixed(4)}`).join(' ');
  console.log(`${variant.name}: ${job.TrainingJobStatus}, model at ${artifacts[key]} ${metrics}`);
}
saveState('models', artifacts);
saveState('training-jobs', { modelA: variants.modelA.name, modelB: variants.modelB.name });
