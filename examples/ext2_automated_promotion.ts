/**
 * Extension 2: automated traffic shifting. First the seed's rule as written (promote B when its accuracy beats
 * A's by 2 points), then the same decision made safely: a guarded rollout through 20 → 50 → 80 → 100 that
 * promotes on an always-valid (sequential) accuracy test and rolls back on errors or latency.
 */
import { UpdateEndpointWeightsAndCapacitiesCommand } from '@aws-sdk/client-sagemaker';
import { accuracyByVariant, names, native, sagemaker, trafficWithGroundTruth } from './common.js';

async function shiftTraffic(variant: string, percentage: number): Promise<void> {
  const other = variant === 'VariantA' ? 'VariantB' : 'VariantA';
  await sagemaker.send(new UpdateEndpointWeightsAndCapacitiesCommand({
    EndpointName: names.endpoint,
    DesiredWeightsAndCapacities: [
      { VariantName: variant, DesiredWeight: percentage },
      { VariantName: other, DesiredWeight: 100 - percentage },
    ],
  }));
}

// The seed's rule, on the ground truth gathered so far.
const accuracy = await accuracyByVariant(names.endpoint);
const a = accuracy.VariantA;
const b = accuracy.VariantB;
console.log(`Accuracy so far: VariantA ${a?.accuracy.toFixed(3)} (n=${a?.n}), VariantB ${b?.accuracy.toFixed(3)} (n=${b?.n})`);
if (a && b && b.accuracy > a.accuracy + 0.02) {
  console.log('Seed rule: VariantB beats VariantA by more than 2 points -> shift 100% to VariantB');
  await shiftTraffic('VariantB', 100);
} else {
  console.log('Seed rule: no 2-point gain for VariantB -> keep the current split');
}
const report = await native<{ verdict: { kind: string; reason: string } }>('GET', `/v1/endpoints/${names.endpoint}/report`);
console.log(`splitserve's analysis of the same data: ${report.verdict.kind} (${report.verdict.reason})`);

// The guarded version: back to 80/20, then a stepped rollout judged on live traffic with ground truth.
await shiftTraffic('VariantA', 80);
await native('PUT', `/v1/endpoints/${names.endpoint}/rollout`, {
  control: 'VariantA',
  challenger: 'VariantB',
  strategy: 'steps',
  steps: [20, 50, 80, 100],
  bakeSeconds: Number(process.env.BAKE_SECONDS ?? 1),
  minSamples: 20,
  promoteOnAccuracyGain: 0.02,
  guardrails: { maxErrorRate: 0.01, maxLatencyP99Us: 250_000 },
});
type Status = { state: { status: string; steps: number[]; stepIndex: number; reason?: string } };
let status = await native<Status>('GET', `/v1/endpoints/${names.endpoint}/rollout`);
for (let round = 0; round < 40 && status.state.status === 'running'; round++) {
  await trafficWithGroundTruth(names.endpoint, 60, 'rollout');
  await new Promise((r) => setTimeout(r, 1100 * Number(process.env.BAKE_SECONDS ?? 1)));
  status = (await native<Status | null>('POST', `/v1/endpoints/${names.endpoint}/rollout/evaluate`)) ?? status;
  console.log(`  step ${status.state.stepIndex + 1}/${status.state.steps.length} (VariantB ${status.state.steps[status.state.stepIndex]}%): ${status.state.status}`);
}
console.log(`Rollout ${status.state.status}: ${status.state.reason ?? ''}`);
const events = await native<{ events: { at: number; kind: string; message: string }[] }>('GET', `/v1/endpoints/${names.endpoint}/events`);
for (const e of events.events.slice(-8)) console.log(`  ${new Date(e.at).toISOString()} ${e.kind}: ${e.message}`);
if (status.state.status === 'running') {
  await native('DELETE', `/v1/endpoints/${names.endpoint}/rollout`);
  throw new Error('the rollout did not finish in 40 rounds');
}
