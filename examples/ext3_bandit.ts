/**
 * Extension 3: multi-armed bandit. splitserve re-weights the endpoint from ground truth by Thompson sampling
 * (each variant keeps at least 5% of traffic), so the variant that predicts better gets more traffic.
 */
import { DescribeEndpointCommand } from '@aws-sdk/client-sagemaker';
import { names, native, sagemaker, trafficWithGroundTruth } from './common.js';

async function weights(): Promise<string> {
  const d = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: names.endpoint }));
  return (d.ProductionVariants ?? []).map((v) => `${v.VariantName} ${v.CurrentWeight?.toFixed(3)}`).join(', ');
}

console.log(`Before: ${await weights()}`);
await native('PUT', `/v1/endpoints/${names.endpoint}/bandit`, { algorithm: 'thompson', minShare: 0.05, outcome: 'correct' });
const rounds = Number(process.env.BANDIT_ROUNDS ?? 5);
for (let round = 1; round <= rounds; round++) {
  const counts = await trafficWithGroundTruth(names.endpoint, 100, 'bandit');
  await new Promise((r) => setTimeout(r, 2500)); // the bandit re-weights every 2 s
  console.log(`Round ${round}: served ${JSON.stringify(counts)} -> weights ${await weights()}`);
}
const state = await native<Record<string, unknown>>('GET', `/v1/endpoints/${names.endpoint}/bandit`);
console.log(`Bandit state: ${JSON.stringify(state)}`);
await native('PUT', `/v1/endpoints/${names.endpoint}/bandit`, { enabled: false });
console.log('Bandit switched off; the weights stay where it left them');
