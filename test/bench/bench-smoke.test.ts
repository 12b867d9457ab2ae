import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';

describe('bench/ smoke run', () => {
  it('runs every benchmark in --quick mode and prints its tables (no timing is asserted)', { timeout: 180_000 }, async () => {
    const out = await new Promise<string>((ok, fail) =>
      execFile(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/run.ts', '--quick'], { maxBuffer: 16 << 20, timeout: 170_000 }, (err, stdout, stderr) => (err ? fail(new Error(`${err.message}\n${stdout}\n${stderr}`)) : ok(stdout))),
    );
    for (const section of ['## training', '## runtime', '## invoke', '## metrics', '## bandit', '## soak']) assert.ok(out.includes(section), `missing ${section}`);
    assert.match(out, /libxgboost 1\.7 via koffi/);
    assert.match(out, /share of bare node:http/);
    assert.match(out, /metrics on \+ 100% data capture/);
    assert.match(out, /Thompson sampling/);
    assert.match(out, /predictions in the store\s+20000/);
    assert.match(out, /ground truth joined for 100 ids spread over the run\s+100 accepted, 0 unknown/);
  });
});
