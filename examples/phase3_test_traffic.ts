/** Phase 3: send test passengers and check that traffic follows the 80/20 weights. */
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { loadState, names, runtime, saveState } from './common.js';

const requests = Number(process.env.REQUESTS ?? 100);
const test = loadState<{ rows: string[]; labels: number[] }>('test-rows');
const counts: Record<string, number> = {};
const predictions: { inferenceId: string; variant: string; score: number; label: number }[] = [];

for (let i = 0; i < requests; i++) {
  const row = i % test.rows.length;
  const response = await runtime.send(new InvokeEndpointCommand({
    EndpointName: names.endpoint,
    Body: new TextEncoder().encode(test.rows[row]),
    ContentType: 'text/csv',
    InferenceId: `phase3-${i}`,
  }));
  const variant = response.InvokedProductionVariant ?? 'unknown';
  counts[variant] = (counts[variant] ?? 0) + 1;
  const score = Number(new TextDecoder().decode(response.Body).trim());
  predictions.push({ inferenceId: `phase3-${i}`, variant, score, label: test.labels[row] });
}

for (const variant of ['VariantA', 'VariantB']) {
  const n = counts[variant] ?? 0;
  console.log(`${variant}: ${n} of ${requests} (${((100 * n) / requests).toFixed(1)}%)`);
}
saveState('predictions', predictions);
