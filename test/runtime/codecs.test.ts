import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { XgboostModel, PayloadError, parseXgboostJson, predictMargins, transform } from '../../src/runtime/index.js';
import { prepareTitanic, SEED_VARIANTS, type PreparedData } from '../../src/training/pipeline.js';
import { trainXgboost } from '../../src/training/xgboost-trainer.js';
import { parseHyperparameters } from '../../src/training/hyperparameters.js';
import { testRows } from '../helpers/server.js';

let data: PreparedData;
let model: XgboostModel;
let multi: XgboostModel;
let rows: string[];
before(async () => {
  data = await prepareTitanic();
  const a = trainXgboost({ train: data.train, schema: data.schema, hyperparameters: parseHyperparameters(SEED_VARIANTS['titanic-a']) });
  model = XgboostModel.fromBytes(a.model, data.schema);
  const m = trainXgboost({ train: { ...data.train, y: Float32Array.from(data.train.y, (v, i) => (v === 1 ? 1 : i % 2 === 0 ? 0 : 2)) }, schema: { ...data.schema, task: 'multiclass', classes: ['died', 'survived', 'other'] }, hyperparameters: parseHyperparameters({ objective: 'multi:softprob', num_class: 3, num_round: 5 }) });
  multi = XgboostModel.fromBytes(m.model, { ...data.schema, task: 'multiclass', classes: ['died', 'survived', 'other'] });
  ({ rows } = testRows(data));
});

const call = (m: XgboostModel, body: string, contentType: string, accept?: string) => {
  const r = m.predict(Buffer.from(body), contentType, accept);
  return { text: r.body.toString(), contentType: r.contentType, records: r.records };
};

/** A test passenger as the named record a client would send. */
function record(i: number): Record<string, unknown> {
  const x = data.test.x.subarray(i * 7, i * 7 + 7);
  const sex = ['male', 'female'][x[1]];
  const embarked = Number.isNaN(x[6]) ? null : ['S', 'C', 'Q'][x[6]];
  return { pclass: x[0], sex, age: Number.isNaN(x[2]) ? null : x[2], sibsp: x[3], parch: x[4], fare: x[5], embarked };
}

describe('payload codecs', () => {
  it('text/csv: one row, many rows, one prediction per line equal to the evaluator', () => {
    const forest = parseXgboostJson(trainXgboost({ train: data.train, schema: data.schema, hyperparameters: parseHyperparameters(SEED_VARIANTS['titanic-a']) }).model);
    const margins = new Float32Array(data.test.rows);
    predictMargins(forest, data.test.x, data.test.rows, 7, margins);
    const scores = new Float32Array(data.test.rows);
    transform(forest, margins, data.test.rows, scores);
    const expected = Array.from(scores, (v) => String(v));
    const one = call(model, rows[0], 'text/csv');
    assert.equal(one.text, expected[0]);
    assert.equal(one.contentType, 'text/csv');
    const many = call(model, rows.join('\r\n') + '\n', 'text/csv; charset=utf-8');
    assert.deepEqual(many.text.split('\n'), expected);
    assert.equal(many.records, rows.length);
  });

  it('application/json: instances, a bare list, named records (with the schema), and JSON Lines all give the same scores', () => {
    const csv = call(model, rows.slice(0, 20).join('\n'), 'text/csv').text.split('\n').map(Number);
    const instances = rows.slice(0, 20).map((r) => r.split(',').map((c) => (c === '' ? null : Number(c))));
    const viaInstances = JSON.parse(call(model, JSON.stringify({ instances }), 'application/json').text).predictions;
    const viaList = JSON.parse(call(model, JSON.stringify(instances), 'application/json').text).predictions;
    const named = Array.from({ length: 20 }, (_, i) => record(i));
    const viaNamed = JSON.parse(call(model, JSON.stringify(named), 'application/json').text).predictions;
    const viaLines = call(model, named.map((r) => JSON.stringify(r)).join('\n'), 'application/jsonlines').text.split('\n').map((l) => JSON.parse(l));
    for (const got of [viaInstances, viaList, viaNamed, viaLines]) {
      assert.deepEqual(got.map((p: { score: number }) => p.score), csv);
      assert.deepEqual(got.map((p: { label: string }) => p.label), csv.map((s) => (s >= 0.5 ? '1' : '0')));
    }
    const single = JSON.parse(call(model, JSON.stringify(record(0)), 'application/json').text);
    assert.deepEqual(single.predictions, [viaNamed[0]]);
  });

  it('Accept picks the answer format; multiclass answers one row of probabilities per record', () => {
    const asJson = call(model, rows[0], 'text/csv', 'application/json');
    assert.equal(asJson.contentType, 'application/json');
    assert.ok(JSON.parse(asJson.text).predictions[0].score > 0);
    assert.equal(call(model, rows[0], 'text/csv', '*/*').contentType, 'text/csv');
    const probs = call(multi, rows.slice(0, 3).join('\n'), 'text/csv').text.split('\n').map((l) => l.split(',').map(Number));
    assert.equal(probs.length, 3);
    for (const p of probs) {
      assert.equal(p.length, 3);
      assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    }
    const labelled = JSON.parse(call(multi, rows[0], 'text/csv', 'application/json').text).predictions[0];
    assert.deepEqual(labelled.scores.map((v: number) => Math.fround(v)), probs[0].map((v) => Math.fround(v)));
    assert.equal(labelled.label, ['died', 'survived', 'other'][probs[0].indexOf(Math.max(...probs[0]))]);
  });

  const bad: [string, string, RegExp, number, string?][] = [
    ['text/csv', '3,1,22,1,0', /record 1: has 5 features, the model expects 7/, 400],
    ['text/csv', '3,1,22,1,0,7.25,0\n3,1,22,1,0,7.25,0,9', /record 2: has more than 7 features/, 400],
    ['text/csv', '3,1,twenty,1,0,7.25,0', /record 1, feature 3: "twenty" is not a number/, 400],
    ['text/csv', '\n\n', /no records/, 400],
    ['application/json', '{"instances": [[3,1,22,1,0,7.25]]}', /instance 0: has 6 features, the model expects 7/, 400],
    ['application/json', '{"instances": [[3,1,"x",1,0,7.25,0]]}', /instance 0, feature 3: "x" is not a number/, 400],
    ['application/json', '[{"pclass":3,"sex":"male","wings":2}]', /instance 0: unknown feature "wings" \(the model's features: pclass, sex, age/, 400],
    ['application/json', '[{"pclass":3,"sex":"robot"}]', /instance 0, feature "sex": category "robot" is unknown \(known: male, female\)/, 400],
    ['application/json', '[{"pclass":"first"}]', /instance 0, feature "pclass": "first" is not a number/, 400],
    ['application/json', '{"instances": [', /body is not valid JSON/, 400],
    ['application/json', '{"instances": []}', /no records/, 400],
    ['application/json', '42', /JSON body must be/, 400],
    ['application/jsonlines', '[3,1,22,1,0,7.25,0]\n{"pclass":', /line 2: not valid JSON/, 400],
    ['application/jsonlines', '[3,1,22,1,0,7.25,0]\n\n[1,2]', /line 3: has 2 features/, 400],
    ['application/x-npy', '3,1,22,1,0,7.25,0', /content type "application\/x-npy" is not supported/, 415],
    ['text/csv', '', /request body is empty/, 400],
    ['text/csv', '3,1,22,1,0,7.25,0', /Accept "image\/png" is not supported/, 406, 'image/png'],
  ];
  for (const [type, body, message, status, accept] of bad) {
    it(`${status} for ${type} ${JSON.stringify(body).slice(0, 50)}${accept ? ` (Accept ${accept})` : ''}`, () => {
      assert.throws(() => call(model, body, type, accept), (err: unknown) => err instanceof PayloadError && err.status === status && message.test(err.message));
    });
  }

  it('413 for a body over 6 MB', () => {
    const big = Buffer.alloc(6 * 1024 * 1024 + 1, 0x31);
    assert.throws(() => model.predict(big, 'text/csv', undefined), (err: unknown) => err instanceof PayloadError && err.status === 413 && /limit is 6291456/.test(err.message));
  });

  it('named records need a feature schema', () => {
    const bare = XgboostModel.fromBytes(trainXgboost({ train: data.train, schema: data.schema, hyperparameters: parseHyperparameters({ num_round: 2 }) }).model);
    assert.throws(() => call(bare, '[{"pclass":3}]', 'application/json'), /named records need a model with a feature schema/);
  });
});
