import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, startServeProcess, stopProcess, type ServerProcess } from '../helpers/process.js';

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('splitserve demo: the whole walkthrough in one command', () => {
  it('prints every phase from measurements that add up', () => {
    const dir = mkdtempSync(join(tmpdir(), 'splitserve-demo-'));
    try {
      const r = cli(['--data-dir', dir, 'demo']);
      assert.equal(r.code, 0, r.err);
      const out = r.out;
      for (const heading of ['Phase 1', 'Phase 2', 'Phase 3', 'Phase 4', 'Analysis', 'Traffic management', 'Rollback', 'Phase 5']) assert.ok(out.includes(heading), `missing ${heading}`);
      assert.match(out, /891 passengers → 624 train \/ 89 validation \/ 178 test/);
      const traffic = [...out.matchAll(/│ Variant([AB]) │ (80|20)%\s+│ [\d.]+\s+│ (\d+)\s+│/g)].map((m) => Number(m[3]));
      assert.equal(traffic.length, 2);
      assert.equal(traffic[0] + traffic[1], 178, 'every test passenger was served once');
      const p = Number(/sample ratio check: chi-square [\d.]+, p = ([\d.]+)/.exec(out)?.[1]);
      assert.ok(p > 0 && p <= 1);
      assert.match(out, /The seed's 86\/14 of 100 would be chi-square 2\.25, p = 0\.1336/);
      assert.match(out, /Accuracy \(ground truth\)\s+│ 0\.\d+ \(n=(\d+)\)/);
      assert.match(out, /verdict: (KEEP TESTING|.* WINS|NO DETECTABLE DIFFERENCE|SAMPLE RATIO MISMATCH)/);
      assert.match(out, /rollout complete: VariantB serves 100%|rolled back/);
      assert.match(out, /after rollback: 100 of 100 requests went to VariantA/);
      assert.match(out, /deleted endpoint, config and models/);
      const seconds = Number(/walkthrough finished in ([\d.]+) s/.exec(out)?.[1]);
      assert.ok(seconds > 0 && seconds < 120, `${seconds} s`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('splitserve train and models', () => {
  const dir = mkdtempSync(join(tmpdir(), 'splitserve-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('bad input: one clear line naming file, line and column, exit code 1, no stack trace (unless --debug)', () => {
    const cases: [string[], RegExp][] = [
      [['train', '--data', join(dir, 'missing.csv'), '--name', 'x'], /missing\.csv: file not found/],
      [['train', '--data', file('empty.csv', ''), '--name', 'x'], /empty\.csv: file is empty/],
      [['train', '--data', file('ragged.csv', 'a,b,y\n1,2,0\n1,2\n'), '--target', 'y', '--name', 'x'], /ragged\.csv:3: row has 2 fields, the header has 3/],
      [['train', '--data', file('text.csv', 'a,b,y\n1,2,0\n3,x,1\n'), '--target', 'y', '--name', 'x'], /text\.csv:3 \(column "b"\): "x" is not a number/],
      [['train', '--data', file('nt.csv', 'a,b\n1,2\n'), '--target', 'y', '--name', 'x'], /nt\.csv: no target column "y"/],
      [['train', '--seed-variants', '--param', 'eta=7'], /eta = "7": must be a number in \(0, 1\]/],
      [['train', '--seed-variants', '--param', 'depth=3'], /unknown hyperparameter "depth"/],
      [['models', 'show', 'nothing-here'], /model nothing-here is not in the registry/],
      [['frobnicate'], /unknown command 'frobnicate'/],
    ];
    for (const [args, message] of cases) {
      const r = cli(['--data-dir', dir, ...args]);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.out}${r.err}`);
      assert.match(r.err, message);
      assert.doesNotMatch(r.err, /^\s+at /m, 'no stack trace');
    }
    const debug = cli(['--data-dir', dir, '--debug', 'train', '--data', join(dir, 'missing.csv'), '--name', 'x']);
    assert.match(debug.err, /^\s+at /m, '--debug prints the stack');
  });

  it('trains both seed variants, lists, shows and deletes them (--json)', () => {
    const trained = JSON.parse(cli(['--data-dir', dir, 'train', '--seed-variants', '--json']).out) as { name: string; version: number; metrics: { accuracy: number } }[];
    assert.deepEqual(trained.map((m) => `${m.name} v${m.version}`), ['titanic-a v1', 'titanic-b v1']);
    for (const m of trained) assert.ok(m.metrics.accuracy > 0.78 && m.metrics.accuracy < 0.87, `${m.name} ${m.metrics.accuracy}`);
    const custom = cli(['--data-dir', dir, 'train', '--data', 'data/titanic.csv', '--target', 'survived', '--name', 'small', '--features', 'pclass,sex,age', '--categorical', 'sex', '--param', 'num_round=5', '--json']);
    assert.equal(custom.code, 0, custom.err);
    const list = JSON.parse(cli(['--data-dir', dir, 'models', 'list', '--json']).out) as { name: string; version: number }[];
    assert.deepEqual(list.map((m) => m.name), ['small', 'titanic-a', 'titanic-b']);
    const shown = JSON.parse(cli(['--data-dir', dir, 'models', 'show', 'small', '--json']).out) as { featureSchema: { features: { name: string }[] } };
    assert.deepEqual(shown.featureSchema.features.map((f) => f.name), ['pclass', 'sex', 'age']);
    const text = cli(['--data-dir', dir, 'models', 'show', 'titanic-b']).out;
    assert.match(text, /max_depth/);
    assert.equal(cli(['--data-dir', dir, 'models', 'delete', 'small']).code, 0);
    assert.ok(!cli(['--data-dir', dir, 'models', 'list']).out.includes('small'));
  });
});

describe('remote commands against `splitserve serve`', () => {
  const dir = mkdtempSync(join(tmpdir(), 'splitserve-remote-'));
  let server: ServerProcess;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    assert.equal(cli(['--data-dir', dir, 'train', '--seed-variants']).code, 0);
    server = await startServeProcess(dir);
    env = { SPLITSERVE_URL: server.url };
  });
  after(async () => {
    await stopProcess(server, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('apply, invoke, feedback, metrics, report, weights, rollout, rollback, delete', async () => {
    const manifest = join(dir, 'ab.yaml');
    writeFileSync(
      manifest,
      ['endpoint: cli-ab', 'models:', '  - name: a', '    image: xgboost', '    modelDataUrl: registry://titanic-a', '  - name: b', '    image: xgboost', '    modelDataUrl: registry://titanic-b', 'variants:', '  - { name: VariantA, model: a, weight: 80 }', '  - { name: VariantB, model: b, weight: 20 }', ''].join('\n'),
    );
    const applied = cli(['apply', '-f', manifest], env);
    assert.equal(applied.code, 0, applied.err);
    assert.match(applied.out, /creating cli-ab/);
    for (let i = 0; i < 100; i++) {
      const d = JSON.parse(cli(['endpoint', 'describe', 'cli-ab', '--json'], env).out) as { EndpointStatus: string };
      if (d.EndpointStatus === 'InService') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const inv = cli(['invoke', 'cli-ab', '--body', '3,0,22,1,0,7.25,0', '--target-variant', 'VariantB', '--inference-id', 'cli-1'], env);
    assert.equal(inv.code, 0, inv.err);
    assert.match(inv.out, /0\.\d+/);
    const fb = cli(['feedback', 'cli-ab', '--id', 'cli-1', '--label', '0'], env);
    assert.equal(fb.code, 0, fb.err);
    assert.deepEqual(JSON.parse(fb.out), { accepted: 1, duplicates: 0, unknown: [] });
    const unknown = cli(['feedback', 'cli-ab', '--id', 'nope', '--label', '0'], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /unknown inference id: nope/);
    const metrics = JSON.parse(cli(['metrics', 'cli-ab', '--format', 'json'], env).out) as { variant: string; invocations: number }[];
    assert.equal(metrics.find((m) => m.variant === 'VariantB')?.invocations, 1);
    const report = JSON.parse(cli(['report', 'cli-ab', '--json'], env).out) as { verdict: { kind: string } };
    assert.equal(typeof report.verdict.kind, 'string');
    assert.equal(cli(['endpoint', 'update-weights', 'cli-ab', 'VariantA=50', 'VariantB=50'], env).code, 0);
    const d = JSON.parse(cli(['endpoint', 'describe', 'cli-ab', '--json'], env).out) as { ProductionVariants: { VariantName: string; CurrentWeight: number }[] };
    assert.deepEqual(d.ProductionVariants.map((v) => v.CurrentWeight), [50, 50]);
    const policy = join(dir, 'policy.json');
    writeFileSync(policy, JSON.stringify({ control: 'VariantA', challenger: 'VariantB', strategy: 'canary', canaryPercent: 10, bakeSeconds: 3600 }));
    assert.equal(cli(['rollout', 'start', 'cli-ab', '-f', policy], env).code, 0);
    assert.match(cli(['rollout', 'status', 'cli-ab'], env).out, /running/);
    const badWeights = cli(['endpoint', 'update-weights', 'cli-ab', 'VariantA=lots'], env);
    assert.equal(badWeights.code, 1);
    assert.equal(cli(['endpoint', 'rollback', 'cli-ab'], env).code, 0);
    const after = JSON.parse(cli(['endpoint', 'describe', 'cli-ab', '--json'], env).out) as { ProductionVariants: { CurrentWeight: number }[] };
    assert.deepEqual(after.ProductionVariants.map((v) => v.CurrentWeight), [100, 0]);
    assert.equal(cli(['endpoint', 'delete', 'cli-ab'], env).code, 0);
    const gone = cli(['endpoint', 'describe', 'cli-ab'], env);
    assert.equal(gone.code, 1);
    assert.match(gone.err, /Could not find endpoint/);
  });
});
