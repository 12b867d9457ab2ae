/** Phase 5: delete the endpoint, its config and the models. */
import {
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  waitUntilEndpointDeleted,
} from '@aws-sdk/client-sagemaker';
import { names, sagemaker } from './common.js';

await sagemaker.send(new DeleteEndpointCommand({ EndpointName: names.endpoint }));
await waitUntilEndpointDeleted({ client: sagemaker, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { EndpointName: names.endpoint });
await sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName: names.endpointConfig }));
await sagemaker.send(new DeleteModelCommand({ ModelName: names.modelA }));
await sagemaker.send(new DeleteModelCommand({ ModelName: names.modelB }));
console.log('Deleted the endpoint, its config and both models');
