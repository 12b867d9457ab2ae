import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError, encodeTable, fitSchema, parseCsv, readCsv, stratifiedSplit, TITANIC_CSV, TITANIC_SPEC } from '../../src/data/index.js';
import { prepareData, prepareTitanic } from '../../src/training/pipeline.js';

const dir = mkdtempSync(join(tmpdir(), 'splitserve-data-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** Asserts that `fn` throws a DataError located at file, line and column. */
function fails(fn: () => unknown, where: { file: string; line?: number; column?: string }, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof DataError, `expected a DataError, got ${String(err)}`);
    assert.equal(err.file, where.file);
    assert.equal(err.line, where.line);
    assert.equal(err.column, where.column);
    assert.match(err.message, message);
    return true;
  });
}

describe('the Titanic data, encoded as the seed does', () => {
  it('ships 891 passengers in seaborn’s layout', () => {
    const t = readCsv(TITANIC_CSV);
    assert.equal(t.rows.length, 891);
    assert.deepEqual(t.header.slice(0, 8), ['survived', 'pclass', 'sex', 'age', 'sibsp', 'parch', 'fare', 'embarked']);
    assert.equal(t.rows.filter((r) => r[0] === '1').length, 342);
  });

  it('encodes Pclass, Sex (male 0, female 1), Age (missing → NaN), SibSp, Parch, Fare, Embarked (S 0, C 1, Q 2, missing NaN) for every passenger', async () => {
    const data = await prepareTitanic();
    const t = data.table;
    const col = (n: string) => t.header.indexOf(n);
    const seed = (row: string[]) => [
      Number(row[col('pclass')]),
      { male: 0, female: 1 }[row[col('sex')] as 'male' | 'female'],
      row[col('age')] === '' ? NaN : Number(row[col('age')]),
      Number(row[col('sibsp')]),
      Number(row[col('parch')]),
      Number(row[col('fare')]),
      row[col('embarked')] === '' ? NaN : { S: 0, C: 1, Q: 2 }[row[col('embarked')] as 'S' | 'C' | 'Q'],
    ];
    let missingAge = 0;
    let missingEmbarked = 0;
    for (const [part, idx] of [[data.train, data.split.train], [data.validation, data.split.validation], [data.test, data.split.test]] as const) {
      idx.forEach((r, i) => {
        const expected = seed(t.rows[r]).map((v) => Math.fround(v));
        const got = Array.from(part.x.subarray(i * 7, i * 7 + 7));
        assert.deepEqual(got, expected, `passenger on line ${t.lines[r]}`);
        assert.equal(part.y[i], Number(t.rows[r][0]));
        if (Number.isNaN(got[2])) missingAge++;
        if (Number.isNaN(got[6])) missingEmbarked++;
      });
    }
    assert.equal(missingAge, 177);
    assert.equal(missingEmbarked, 2);
    assert.deepEqual(data.schema.features.map((f) => f.name), TITANIC_SPEC.features);
  });
});

describe('stratified split', () => {
  const t = readCsv(TITANIC_CSV);
  it('cuts 70/10/20 keeping the survival rate in every part, disjoint and complete', () => {
    const s = stratifiedSplit(t, 'survived', 42);
    assert.deepEqual([s.train.length, s.validation.length, s.test.length], [624, 89, 178]);
    const all = [...s.train, ...s.validation, ...s.test].sort((a, b) => a - b);
    assert.deepEqual(all, t.rows.map((_, i) => i));
    const rate = (idx: number[]) => idx.filter((i) => t.rows[i][0] === '1').length / idx.length;
    for (const part of [s.train, s.validation, s.test]) assert.ok(Math.abs(rate(part) - 342 / 891) < 0.01, `survival rate ${rate(part)}`);
  });
  it('is deterministic for a seed and different for another', () => {
    assert.deepEqual(stratifiedSplit(t, 'survived', 7), stratifiedSplit(t, 'survived', 7));
    assert.notDeepEqual(stratifiedSplit(t, 'survived', 7).test, stratifiedSplit(t, 'survived', 8).test);
  });
  it('refuses fractions that do not add up to 1', () => {
    assert.throws(() => stratifiedSplit(t, 'survived', 1, { train: 0.5, validation: 0.1, test: 0.1 }), /add up to 1/);
  });
});

describe('any CSV: quoting, categorical columns, classes, regression', () => {
  it('parses RFC 4180 quoting, CRLF and a BOM', () => {
    const t = parseCsv('\ufeffname,note,y\r\n"Smith, John","said ""hi""\nthen left",1\r\nAnn,,0\r\n');
    assert.deepEqual(t.header, ['name', 'note', 'y']);
    assert.deepEqual(t.rows, [['Smith, John', 'said "hi"\nthen left', '1'], ['Ann', '', '0']]);
    assert.deepEqual(t.lines, [2, 4]);
  });

  it('learns category codes from the training rows, saves them in the schema, and encodes named classes', () => {
    const t = parseCsv('colour,size,kind\nred,1.5,cat\nblue,2,dog\nred,NA,bird\ngreen,3,dog\n', 'pets.csv');
    const schema = fitSchema(t, { target: 'kind', categorical: ['colour'], task: 'multiclass' });
    assert.deepEqual(schema.features, [{ name: 'colour', kind: 'categorical', categories: ['red', 'blue', 'green'] }, { name: 'size', kind: 'numeric' }]);
    assert.deepEqual(schema.classes, ['bird', 'cat', 'dog']);
    const e = encodeTable(t, schema);
    assert.deepEqual(Array.from(e.x), [0, 1.5, 1, 2, 0, NaN, 2, 3]);
    assert.deepEqual(Array.from(e.y), [1, 2, 0, 2]);
  });

  it('keeps regression targets as values and drops columns on request', async () => {
    const p = file('houses.csv', 'id,rooms,area,price\n1,3,70.5,210000\n2,4,90,250000\n3,2,50,150000\n4,5,120,400000\n5,3,80,230000\n6,2,45,140000\n7,4,95,260000\n8,3,75,220000\n9,5,130,420000\n10,1,30,90000\n');
    const data = await prepareData(p, { target: 'price', drop: ['id'], task: 'regression' }, { seed: 1 });
    assert.deepEqual(data.schema.features.map((f) => f.name), ['rooms', 'area']);
    assert.equal(data.schema.classes, undefined);
    assert.equal(data.train.rows + data.validation.rows + data.test.rows, 10);
    assert.ok(Array.from(data.train.y).every((v) => v >= 90000));
  });
});

describe('bad data: an error that names the file, line and column', () => {
  it('missing file, a directory, an empty file, a header without rows', () => {
    fails(() => readCsv(join(dir, 'nope.csv')), { file: join(dir, 'nope.csv') }, /file not found/);
    mkdirSync(join(dir, 'folder.csv'), { recursive: true });
    fails(() => readCsv(join(dir, 'folder.csv')), { file: join(dir, 'folder.csv') }, /is a directory/);
    const empty = file('empty.csv', '');
    fails(() => readCsv(empty), { file: empty }, /file is empty/);
    const header = file('header.csv', 'a,b,y\n');
    fails(() => readCsv(header), { file: header }, /no data rows/);
  });

  it('ragged rows, unclosed quotes, duplicate or empty header names', () => {
    const ragged = file('ragged.csv', 'a,b,y\n1,2,0\n3,4\n5,6,1\n');
    fails(() => readCsv(ragged), { file: ragged, line: 3 }, /row has 2 fields, the header has 3/);
    const quote = file('quote.csv', 'a,b,y\n1,2,0\n"3,4,1\n');
    fails(() => readCsv(quote), { file: quote, line: 3 }, /quoted field is not closed/);
    fails(() => parseCsv('a,a,y\n1,2,3\n', 'dup.csv'), { file: 'dup.csv', line: 1 }, /names column "a" twice/);
    fails(() => parseCsv('a,,y\n1,2,3\n', 'blank.csv'), { file: 'blank.csv', line: 1 }, /empty column name/);
  });

  it('a non-numeric value in a numeric column, a category unseen in training, a missing target', () => {
    const train = parseCsv('colour,size,y\nred,1,0\nblue,2,1\n', 'train.csv');
    const schema = fitSchema(train, { target: 'y', categorical: ['colour'], task: 'binary' });
    fails(() => encodeTable(parseCsv('colour,size,y\nred,1,0\nred,big,1\n', 'bad.csv'), schema), { file: 'bad.csv', line: 3, column: 'size' }, /"big" is not a number/);
    fails(() => encodeTable(parseCsv('colour,size,y\nred,1,0\n\npurple,2,1\n', 'new.csv'), schema), { file: 'new.csv', line: 4, column: 'colour' }, /category "purple" was not seen in training \(known: red, blue\)/);
    fails(() => fitSchema(parseCsv('colour,size,y\nred,1,\n', 'nt.csv'), { target: 'y', task: 'binary' }), { file: 'nt.csv', line: 2, column: 'y' }, /target value is missing/);
  });

  it('a missing target column names the columns there are', async () => {
    const p = file('notarget.csv', 'a,b\n1,2\n3,4\n');
    await assert.rejects(prepareData(p, { target: 'y', task: 'binary' }), /notarget\.csv: no target column "y" \(columns: a, b\)/);
    fails(() => fitSchema(parseCsv('a,b\n1,2\n', 'x.csv'), { target: 'b', features: ['zz'], task: 'regression' }), { file: 'x.csv', column: 'zz' }, /no column "zz"/);
  });
});
