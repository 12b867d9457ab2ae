/** The seed's rollback: send all traffic back to VariantA in one call, then check that it took. */
import { UpdateEndpointWeightsAndCapacitiesCommand, waitUntilEndpointInService } from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { loadState, names, runtime, sagemaker } from './common.js';

await sagemaker.send(new UpdateEndpointWeightsAndCapacitiesCommand({
  EndpointName: names.endpoint,
  DesiredWeightsAndCapacities: [
    { VariantName: 'VariantA', DesiredWeight: 100 },
    { VariantName: 'VariantB', DesiredWeight: 0 },
  ],
}));
await waitUntilEndpointInService({ client: sagemaker, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { EndpointName: names.endpoint });

const test = loadState<{ rows: string[] }>('test-rows');
let toA = 0;
const requests = 50;
for (let i = 0; i < requests; i++) {
  const response = await runtime.send(new InvokeEndpointCommand({
    EndpointName: names.endpoint, Body: new TextEncoder().encode(test.rows[i % test.rows.length]), ContentType: 'text/csv',
  }));
  if (response.InvokedProductionVariant === 'VariantA') toA++;
}
console.log(`After rollback: ${toA} of ${requests} requests went to VariantA`);
if (toA !== requests) process.exitCode = 1;
