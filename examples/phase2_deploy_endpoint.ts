/** Phase 2: register both models, create the 80/20 endpoint config and the endpoint, wait until InService. */
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  waitUntilEndpointInService,
} from '@aws-sdk/client-sagemaker';
import { loadState, names, sagemaker } from './common.js';

const container = 'sagemaker-xgboost:1.7-1';
const role = 'arn:aws:iam::000000000000:role/splitserve';
const artifacts = loadState<{ modelA: string; modelB: string }>('models');

await sagemaker.send(new CreateModelCommand({
  ModelName: names.modelA,
  PrimaryContainer: { Image: container, ModelDataUrl: artifacts.modelA },
  ExecutionRoleArn: role,
}));
await sagemaker.send(new CreateModelCommand({
  ModelName: names.modelB,
  PrimaryContainer: { Image: container, ModelDataUrl: artifacts.modelB },
  ExecutionRoleArn: role,
}));

await sagemaker.send(new CreateEndpointConfigCommand({
  EndpointConfigName: names.endpointConfig,
  ProductionVariants: [
    { VariantName: 'VariantA', ModelName: names.modelA, InitialInstanceCount: 1, InstanceType: 'ml.t2.medium', InitialVariantWeight: 80 },
    { VariantName: 'VariantB', ModelName: names.modelB, InitialInstanceCount: 1, InstanceType: 'ml.t2.medium', InitialVariantWeight: 20 },
  ],
}));

await sagemaker.send(new CreateEndpointCommand({ EndpointName: names.endpoint, EndpointConfigName: names.endpointConfig }));
await waitUntilEndpointInService({ client: sagemaker, maxWaitTime: 120, minDelay: 1, maxDelay: 2 }, { EndpointName: names.endpoint });
console.log(`Endpoint ${names.endpoint} is InService with VariantA 80 / VariantB 20`);
