import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { binaryMetrics } from '../../src/training/metrics.js';
import { startTestServer, testRows, type TestServer } from '../helpers/server.js';
import { deploySeedEndpoint, inParallel } from '../helpers/endpoint.js';
import { POSTGRES_URL } from '../helpers/db.js';

interface Seen {
  id: string;
  variant: string;
  score: number;
  label: number;
}

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`ground truth and per-variant quality (${store})`, () => {
    let t: TestServer;
    let seen: Seen[];
    const schema = 'fb_' + randomBytes(5).toString('hex');
    before(async () => {
      t = await startTestServer(store === 'postgres' ? { store: { url: POSTGRES_URL, schema } } : {});
      await deploySeedEndpoint(t.sagemaker, 'judged', [80, 20]);
      await deploySeedEndpoint(t.sagemaker, 'other', [50, 50]);
      const { rows, labels } = testRows(t.data);
      // every test passenger twice, so both variants see plenty of them
      seen = await inParallel(rows.length * 2, 8, async (i) => {
        const id = `p-${i}`;
        const res = await t.runtime.send(new InvokeEndpointCommand({ EndpointName: 'judged', ContentType: 'text/csv', Body: Buffer.from(rows[i % rows.length]), InferenceId: id }));
        return { id, variant: res.InvokedProductionVariant!, score: Number(Buffer.from(res.Body!).toString()), label: labels[i % rows.length] };
      });
    });
    after(async () => {
      await t.close();
      if (store === 'postgres') {
        const c = new pg.Client({ connectionString: POSTGRES_URL });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      }
    });

    const post = async (endpoint: string, body: unknown, contentType = 'application/json') => {
      const res = await fetch(`${t.url}/v1/endpoints/${endpoint}/feedback`, { method: 'POST', headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as { accepted?: number; duplicates?: number; unknown?: string[]; error?: { code: string; message: string } } };
    };
    const quality = async () => (await (await fetch(`${t.url}/v1/endpoints/judged/quality`)).json()) as { variants: { variant: string; predictions: number; withFeedback: number; classification?: Record<string, number>; reward?: { n: number; mean: number } }[] };

    it('takes one item or a batch, and counts each inference once', async () => {
      const [first, ...rest] = seen;
      assert.deepEqual((await post('judged', { inferenceId: first.id, label: first.label })).body, { accepted: 1, duplicates: 0, unknown: [] });
      assert.deepEqual((await post('judged', { items: rest.map((s) => ({ inferenceId: s.id, label: s.label })) })).body, { accepted: rest.length, duplicates: 0, unknown: [] });
      const again = await post('judged', { items: seen.slice(0, 100).map((s) => ({ inferenceId: s.id, label: 1 - s.label })) });
      assert.equal(again.status, 200);
      assert.deepEqual(again.body, { accepted: 0, duplicates: 100, unknown: [] });
      const q = await quality();
      assert.equal(q.variants.reduce((a, v) => a + v.withFeedback, 0), seen.length, 'the repeated (and contradicting) feedback changed nothing');
    });

    it('per-variant accuracy, precision, recall, AUC and logloss equal the same metrics computed directly on the same rows', async () => {
      const q = await quality();
      for (const variant of ['VariantA', 'VariantB']) {
        const mine = seen.filter((s) => s.variant === variant);
        const direct = binaryMetrics(mine.map((s) => s.score), mine.map((s) => s.label));
        const served = q.variants.find((v) => v.variant === variant)!;
        assert.equal(served.predictions, mine.length);
        assert.equal(served.withFeedback, mine.length);
        assert.equal(served.classification!.n, direct.n);
        assert.equal(served.classification!.accuracy, direct.accuracy, `${variant} accuracy`);
        assert.equal(served.classification!.precision, direct.precision);
        assert.equal(served.classification!.recall, direct.recall);
        assert.ok(Math.abs(served.classification!.auc - direct.auc) < 1e-12, `${variant} AUC ${served.classification!.auc} vs ${direct.auc}`);
        assert.ok(Math.abs(served.classification!.logloss - direct.logloss) < 1e-6, `${variant} logloss`);
      }
      const a = q.variants.find((v) => v.variant === 'VariantA')!.classification!.accuracy;
      assert.ok(a > 0.7 && a < 0.95, `a plausible Titanic accuracy (${a})`);
    });

    it('unknown ids: a batch reports them, a request with only unknown ids is a 404 naming them; ids of another endpoint are unknown here', async () => {
      const mixed = await post('judged', { items: [{ inferenceId: 'nope-1', label: 1 }, { inferenceId: seen[0].id, label: 1 }] });
      assert.equal(mixed.status, 200);
      assert.deepEqual(mixed.body, { accepted: 0, duplicates: 1, unknown: ['nope-1'] });
      const missing = await post('judged', { inferenceId: 'nope-2', label: 0 });
      assert.equal(missing.status, 404);
      assert.match(missing.body.error!.message, /unknown inference id: nope-2/);
      const elsewhere = await post('other', { inferenceId: seen[1].id, label: 0 });
      assert.equal(elsewhere.status, 404);
      assert.match(elsewhere.body.error!.message, new RegExp(seen[1].id));
    });

    it('rewards are averaged per variant', async () => {
      const res = await t.runtime.send(new InvokeEndpointCommand({ EndpointName: 'judged', ContentType: 'text/csv', Body: Buffer.from(testRows(t.data).rows[0]), InferenceId: 'rewarded', TargetVariant: 'VariantB' }));
      assert.equal(res.InvokedProductionVariant, 'VariantB');
      assert.equal((await post('judged', { inferenceId: 'rewarded', reward: 12.5 })).body.accepted, 1);
      const b = (await quality()).variants.find((v) => v.variant === 'VariantB')!;
      assert.deepEqual(b.reward, { n: 1, mean: 12.5, variance: 0 });
    });

    it('the report: sample ratio on the traffic seen, accuracy from the feedback, latency percentiles with bootstrap intervals', async () => {
      const r = (await (await fetch(`${t.url}/v1/endpoints/judged/report`)).json()) as {
        srm: { observed: number[]; variants: string[]; pValue: number };
        metrics: { metric: string; comparisons: { variant: string; n: number[] }[] }[];
        latencyPercentiles: { variant: string; control: string; percentile: number; controlUs: number; treatmentUs: number; differenceUs: number; ci: number[]; resampleSize: number[] }[];
        verdict: { kind: string };
      };
      const a = seen.filter((x) => x.variant === 'VariantA').length;
      assert.deepEqual(Object.fromEntries(r.srm.variants.map((v, i) => [v, r.srm.observed[i]])), { VariantA: a + 0, VariantB: seen.length - a + 1 }, 'every request counted once (plus the rewarded one)');
      const acc = r.metrics.find((m) => m.metric === 'accuracy')!.comparisons[0];
      assert.equal(acc.variant, 'VariantB');
      assert.deepEqual(acc.n, [a, seen.length - a], 'accuracy counts only requests with a label (the reward-only one is left out)');
      assert.deepEqual(r.latencyPercentiles.map((l) => `${l.variant}/${l.control} p${l.percentile}`), ['VariantB/VariantA p50', 'VariantB/VariantA p99']);
      for (const l of r.latencyPercentiles) {
        assert.ok(l.ci[0] <= l.differenceUs && l.differenceUs <= l.ci[1], JSON.stringify(l));
        assert.ok(Math.abs(l.differenceUs - (l.treatmentUs - l.controlUs)) < 1e-9);
        assert.deepEqual(l.resampleSize, [Math.min(a, 2000), Math.min(seen.length - a + 1, 2000)]);
      }
      assert.ok(['keep_testing', 'winner', 'no_detectable_difference', 'sample_ratio_mismatch'].includes(r.verdict.kind));
    });

    it('refuses malformed feedback with a precise 4xx and keeps serving', async () => {
      const cases: [unknown, number, RegExp, string?][] = [
        ['{"inferenceId": ', 400, /not valid JSON/],
        [{ inferenceId: seen[2].id }, 400, /give a label or a reward/],
        [{ items: [] }, 400, /items/],
        [{ inferenceId: seen[2].id, label: 'yes' }, 400, /label/],
        [{ inferenceId: seen[2].id, label: 1, colour: 'red' }, 400, /colour|Unrecognized/],
        [{ items: Array.from({ length: 10_001 }, (_, i) => ({ inferenceId: `x${i}`, label: 1 })) }, 400, /items/],
        [{ inferenceId: seen[2].id, label: 1 }, 415, /application\/json/, 'text/plain'],
      ];
      for (const [body, status, message, ct] of cases) {
        const r = await post('judged', body, ct);
        assert.equal(r.status, status, JSON.stringify(r.body));
        assert.match(r.body.error!.message, message);
      }
      const gone = await post('no-such-endpoint', { inferenceId: 'a', label: 1 });
      assert.equal(gone.status, 404);
      assert.match(gone.body.error!.message, /no-such-endpoint/);
      const res = await t.runtime.send(new InvokeEndpointCommand({ EndpointName: 'judged', ContentType: 'text/csv', Body: Buffer.from(testRows(t.data).rows[0]) }));
      assert.ok(res.Body);
    });
  });
}
