import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import * as tar from 'tar';
import { Registry, RegistryError } from '../../src/registry/index.js';
import { importModelFile } from '../../src/registry/import.js';
import { prepareTitanic, SEED_VARIANTS, trainAndRegister, type PreparedData } from '../../src/training/index.js';
import { trainXgboost } from '../../src/training/xgboost-trainer.js';
import { parseHyperparameters } from '../../src/training/hyperparameters.js';
import { Booster } from '../../src/training/libxgboost.js';
import type { Db } from '../../src/store/index.js';
import { freshPostgres, freshSqlite } from '../helpers/db.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { deploySeedEndpoint } from '../helpers/endpoint.js';

let data: PreparedData;
let modelA: Buffer;
before(async () => {
  data = await prepareTitanic();
  modelA = trainXgboost({ train: data.train, schema: data.schema, hyperparameters: parseHyperparameters(SEED_VARIANTS['titanic-a']) }).model;
});

const rejectsWith = (p: Promise<unknown>, code: RegistryError['code'], message: RegExp) =>
  assert.rejects(p, (err: unknown) => err instanceof RegistryError && err.code === code && message.test(err.message));

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`registry round trip (${kind})`, () => {
    let db: Db;
    let dir: string;
    let cleanup: () => Promise<void>;
    let registry: Registry;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'splitserve-registry-'));
      ({ db, cleanup } = kind === 'sqlite' ? await freshSqlite() : await freshPostgres());
      registry = await Registry.open(db, dir, () => 1_700_000_000_000);
    });
    after(async () => {
      await cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    it('registers versions 1, 2 … per name with every field, and stores the artifact by its sha256', async () => {
      const trained = await trainAndRegister(registry, 'titanic-a', data, SEED_VARIANTS['titanic-a']);
      const v1 = trained.version;
      assert.equal(v1.version, 1);
      assert.equal(v1.framework, 'xgboost');
      assert.equal(v1.sha256, createHash('sha256').update(trained.output.model).digest('hex'));
      assert.equal(v1.sizeBytes, trained.output.model.length);
      assert.ok(readFileSync(registry.artifactPath(v1.sha256)).equals(trained.output.model));
      assert.deepEqual(v1.featureSchema, data.schema);
      assert.equal(v1.dataFingerprint, data.fingerprint);
      assert.equal(v1.hyperparameters.num_round, 50);
      assert.equal(typeof (v1.metrics as { accuracy: number }).accuracy, 'number');
      assert.equal(v1.createdAt, 1_700_000_000_000);
      assert.equal(v1.parentVersion, undefined);
      const v2 = await registry.register({ name: 'titanic-a', framework: 'xgboost', artifact: trained.output.model, source: 'again' });
      assert.equal(v2.version, 2);
      assert.equal(v2.parentVersion, 1);
      assert.equal(v2.sha256, v1.sha256, 'same bytes, same address');
      assert.deepEqual(await registry.get('titanic-a'), v2);
      assert.deepEqual(await registry.get('titanic-a', 1), v1);
      assert.deepEqual((await registry.list('titanic-a')).map((v) => v.version), [1, 2]);
    });

    it('a version deleted is gone; the shared artifact stays until its last version goes', async () => {
      const [gone] = await registry.delete('titanic-a', 1);
      assert.equal(gone.version, 1);
      await rejectsWith(registry.get('titanic-a', 1), 'NotFound', /model titanic-a version 1 is not in the registry/);
      const v2 = await registry.get('titanic-a');
      assert.ok(existsSync(registry.artifactPath(v2.sha256)));
      await registry.delete('titanic-a');
      assert.ok(!existsSync(registry.artifactPath(v2.sha256)));
      await rejectsWith(registry.delete('titanic-a'), 'NotFound', /not in the registry/);
    });

    it('an artifact missing on this replica’s disk is restored from the store', async () => {
      const v = await registry.register({ name: 'restored', framework: 'xgboost', artifact: modelA });
      rmSync(registry.artifactPath(v.sha256));
      const path = await registry.localArtifact(v);
      assert.ok(readFileSync(path).equals(modelA));
    });

    it('refuses bad names', async () => {
      await rejectsWith(registry.register({ name: 'bad name!', framework: 'xgboost', artifact: modelA }), 'Invalid', /invalid model name "bad name!"/);
    });
  });
}

describe('importing models', () => {
  let registry: Registry;
  let cleanup: () => Promise<void>;
  const dir = mkdtempSync(join(tmpdir(), 'splitserve-import-'));
  before(async () => {
    const s = await freshSqlite();
    cleanup = s.cleanup;
    registry = await Registry.open(s.db, s.dir);
  });
  after(async () => cleanup());

  const tarGz = async (name: string, files: Record<string, Buffer>) => {
    const src = mkdtempSync(join(dir, 'tar-'));
    for (const [f, b] of Object.entries(files)) writeFileSync(join(src, f), b);
    const out = join(dir, name);
    await tar.c({ gzip: true, file: out, cwd: src }, Object.keys(files));
    return out;
  };

  it('an XGBoost JSON model as it is', async () => {
    const file = join(dir, 'model.json');
    writeFileSync(file, modelA);
    const v = await importModelFile(registry, { name: 'imported-json', file });
    assert.ok(registry.readArtifact(v).equals(modelA));
  });

  it('a SageMaker model.tar.gz holding xgboost-model (UBJSON or the legacy binary), converted to JSON with the same predictions', async () => {
    const booster = Booster.fromBuffer(modelA);
    const ubj = booster.saveRaw('ubj');
    const legacy = booster.saveRaw('deprecated');
    booster.free();
    for (const [label, bytes] of [['ubj', ubj], ['legacy', legacy]] as const) {
      const file = await tarGz(`${label}.tar.gz`, { 'xgboost-model': bytes, 'README.txt': Buffer.from('not the model') });
      const v = await importModelFile(registry, { name: `imported-${label}`, file });
      const json = JSON.parse(registry.readArtifact(v).toString());
      assert.equal(json.learner.gradient_booster.model.trees.length, 50);
      assert.deepEqual(json.learner.gradient_booster.model.trees, JSON.parse(modelA.toString()).learner.gradient_booster.model.trees, `${label}: the same trees`);
    }
  });

  it('says what is wrong with an archive without a model, a broken archive, an empty file, garbage, a missing file', async () => {
    const noModel = await tarGz('nomodel.tar.gz', { 'a.txt': Buffer.from('x'), 'b.txt': Buffer.from('y') });
    await rejectsWith(importModelFile(registry, { name: 'x', file: noModel }), 'Invalid', /found no model in the archive \(expected "xgboost-model"; it holds a\.txt, b\.txt\)/);
    const broken = join(dir, 'broken.tar.gz');
    writeFileSync(broken, Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(40, 7)]));
    await rejectsWith(importModelFile(registry, { name: 'x', file: broken }), 'Invalid', /not a readable tar\.gz archive/);
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '');
    await rejectsWith(importModelFile(registry, { name: 'x', file: empty }), 'Invalid', /the file is empty/);
    const garbage = join(dir, 'garbage.bin');
    writeFileSync(garbage, Buffer.from('this is not a model at all'));
    await rejectsWith(importModelFile(registry, { name: 'x', file: garbage }), 'Invalid', /not an XGBoost model XGBoost can load/);
    await rejectsWith(importModelFile(registry, { name: 'x', file: join(dir, 'nope.json') }), 'Invalid', /cannot read \(ENOENT\)/);
  });
});

describe('the delete guard', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    await deploySeedEndpoint(t.sagemaker, 'guarded', [80, 20]);
  });
  after(async () => t.close());

  it('refuses to delete a version an endpoint serves (409 on the API), allows it once the endpoint is gone', async () => {
    await rejectsWith(t.app.registry.delete('titanic-a'), 'InUse', /model titanic-a version 1 is used by endpoint guarded; delete that first/);
    const res = await fetch(`${t.url}/v1/registry/models/titanic-b/1`, { method: 'DELETE' });
    assert.equal(res.status, 409);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /used by endpoint guarded/);
    await t.app.endpoints.deleteEndpoint('guarded');
    await t.app.endpoints.settle();
    const ok = await fetch(`${t.url}/v1/registry/models/titanic-b/1`, { method: 'DELETE' });
    assert.equal(ok.status, 200);
    const missing = await fetch(`${t.url}/v1/registry/models/titanic-b/1`);
    assert.equal(missing.status, 404);
  });
});
