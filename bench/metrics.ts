/**
 * The cost of measuring: invocation throughput with the metrics recorder off, on (the default), and on with
 * 100% data capture, in the same run, rounds interleaved so drift hits all three alike.
 */
import { benchServer, ROW } from './invoke.js';
import { load } from './load.js';
import { QUICK, table } from './util.js';

export async function run(): Promise<void> {
  const s = await benchServer([{ name: 'plain' }, { name: 'captured', capture: true }]);
  const seconds = QUICK ? 1 : 6;
  const rounds = QUICK ? 1 : 4;
  const modes = [
    { name: 'metrics off', endpoint: 'plain', metrics: false },
    { name: 'metrics on (default)', endpoint: 'plain', metrics: true },
    { name: 'metrics on + 100% data capture', endpoint: 'captured', metrics: true },
  ];
  const results = new Map<string, number[]>(modes.map((m) => [m.name, []]));
  try {
    for (const m of modes) await load(`${s.url}/endpoints/${m.endpoint}/invocations`, { body: ROW, seconds: 1 });
    for (let r = 0; r < rounds; r++) {
      for (const m of r % 2 === 0 ? modes : [...modes].reverse()) {
        s.app.recorder.enabled = m.metrics;
        const out = await load(`${s.url}/endpoints/${m.endpoint}/invocations`, { body: ROW, seconds });
        if (out.errors + out.non2xx > 0) throw new Error(`${m.name}: ${out.errors + out.non2xx} failed requests`);
        results.get(m.name)!.push(out.requestsPerSec);
      }
    }
    await s.app.capture.flush();
    const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
    const off = med(results.get('metrics off')!);
    table(`Throughput, seed variant B, 16 connections, ${rounds} rounds x ${seconds} s per mode, median`, ['mode', 'req/s', 'vs metrics off', 'goal'], [
      ['metrics off', off, 1, '-'],
      ['metrics on (default)', med(results.get('metrics on (default)')!), med(results.get('metrics on (default)')!) / off, '>= 0.95'],
      ['metrics on + 100% data capture', med(results.get('metrics on + 100% data capture')!), med(results.get('metrics on + 100% data capture')!) / off, '>= 0.85'],
    ]);
    console.log(`capture lines written: ${s.app.capture.written}`);
  } finally {
    s.app.recorder.enabled = true;
    await s.close();
  }
}
