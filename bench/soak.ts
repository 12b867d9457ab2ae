/**
 * Soak: a million invocations through the router (in process, no HTTP, so it is the server's own state that is
 * measured), every prediction logged for the ground-truth join, metrics recorded. Memory after GC is sampled as
 * the count grows: the prediction log lives in the store, so the heap must stay flat while the store grows.
 * Then ground truth for a sample of old ids is joined, to show they are all still there.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { InvokeRequest } from '../src/endpoints/index.js';
import { benchServer, ROW } from './invoke.js';
import { QUICK, table } from './util.js';

const gc = (globalThis as { gc?: () => void }).gc;

function heapMiB(): { heap: number; external: number; rss: number } {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed / 2 ** 20, external: (m.external + m.arrayBuffers) / 2 ** 20, rss: m.rss / 2 ** 20 };
}

export async function run(): Promise<void> {
  const total = QUICK ? 20_000 : 1_000_000;
  const step = total / 10;
  const s = await benchServer([{ name: 'soak' }]);
  try {
    const body = Buffer.from(ROW);
    const req: InvokeRequest = { endpointName: 'soak', body, contentType: 'text/csv', accept: undefined, targetVariant: undefined, customAttributes: undefined, inferenceId: undefined, assignmentKey: undefined, receivedAtNs: 0n };
    const rows: (string | number)[][] = [];
    const started = performance.now();
    const ids: string[] = [];
    const base = heapMiB();
    rows.push(['0', base.heap, base.external, base.rss, 0, '-']);
    for (let done = 0; done < total; ) {
      const until = done + step;
      for (; done < until; done++) {
        req.receivedAtNs = process.hrtime.bigint();
        req.inferenceId = `soak-${done}`;
        const out = await s.app.endpoints.invoke(req);
        if (done % (step / 10) === 0) ids.push(out.inferenceId);
      }
      await s.app.feedback.flush();
      await s.app.recorder.flush();
      const m = heapMiB();
      const dbBytes = statSync(join(s.app.options.dataDir, 'splitserve.db')).size + (statSync(join(s.app.options.dataDir, 'splitserve.db-wal'), { throwIfNoEntry: false })?.size ?? 0);
      rows.push([done, m.heap, m.external, m.rss, dbBytes / 2 ** 20, done / ((performance.now() - started) / 1000)]);
    }
    table(`${total} invocations in process (seed variant B), memory after GC`, ['invocations', 'heap MiB', 'external + array buffers MiB', 'RSS MiB', 'store MiB', 'invocations/s so far'], rows);
    const growth = (rows[rows.length - 1][1] as number) - (rows[1][1] as number);
    const logged = await s.app.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM fb_predictions WHERE endpoint = ?', ['soak']);
    const joined = await s.app.feedback.record('soak', ids.map((id) => ({ inferenceId: id, label: 1 })));
    const invocations = s.app.recorder.slotsOf('soak').reduce((a, x) => a + x.totalInvocations, 0);
    table('What was kept', ['measure', 'value'], [
      ['heap growth from the first to the last tenth, MiB', growth],
      ['heap growth per 100,000 invocations, KiB', (growth * 1024 * 100_000) / (total - step)],
      ['predictions in the store', Number(logged?.n ?? 0)],
      ['Invocations counted by the metrics', invocations],
      [`ground truth joined for ${ids.length} ids spread over the run`, `${joined.accepted} accepted, ${joined.unknown.length} unknown`],
    ]);
  } finally {
    await s.close();
  }
}
