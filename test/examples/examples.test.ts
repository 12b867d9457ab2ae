import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startServeProcess, stopProcess, type ServerProcess } from '../helpers/process.js';

describe('examples/: the seed walkthrough and its extensions through the official AWS SDK, against a real server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'splitserve-examples-'));
  let server: ServerProcess | undefined;
  after(async () => {
    if (server) await stopProcess(server, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every phase and extension in order, each as its own process', { timeout: 240_000 }, async () => {
    server = await startServeProcess(join(dir, 'data'));
    const out = await new Promise<string>((ok, fail) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', resolve('examples/run-all.ts')],
        { env: { ...process.env, SPLITSERVE_URL: server!.url, EXAMPLES_WORK_DIR: join(dir, 'work') }, maxBuffer: 32 << 20, timeout: 230_000 },
        (err, stdout, stderr) => (err ? fail(new Error(`${err.message}\n${stdout}\n${stderr}`)) : ok(stdout)),
      );
    });
    assert.match(out, /titanic-a-\d+: Completed/);
    assert.match(out, /Endpoint titanic-ab-endpoint is InService with VariantA 80 \/ VariantB 20/);
    const a = Number(/VariantA: (\d+) of 100/.exec(out)?.[1]);
    const b = Number(/VariantB: (\d+) of 100/.exec(out)?.[1]);
    assert.equal(a + b, 100);
    assert.match(out, /VariantA: \d+ invocations; ModelLatency avg \d+ us/);
    assert.match(out, /PredictionAccuracy 0\.\d+ over \d+ predictions/);
    assert.match(out, /Rollout (succeeded|rolled_back)/);
    assert.match(out, /Bandit switched off/);
    assert.match(out, /After rollback: 50 of 50 requests went to VariantA/);
    assert.match(out, /Approved arn:aws:sagemaker:[^:]+:\d+:model-package\/titanic-survival-\d+\/[12]/);
    assert.match(out, /Canary (succeeded|rolled_back)/);
    assert.match(out, /Deleted the endpoint, its config and both models/);
    const listed = await (await fetch(`${server!.url}/v1/endpoints`)).json();
    assert.deepEqual(listed.endpoints, [], 'cleanup leaves no endpoint behind');
  });
});
