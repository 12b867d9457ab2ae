import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { DatasetSpec } from './encode.js';

/** The Titanic file shipped with splitserve (891 passengers, seaborn's layout). */
export const TITANIC_CSV = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'titanic.csv');

/** The seed walkthrough's features and encodings: Sex male 0 / female 1, Embarked S 0 / C 1 / Q 2, missing → NaN. */
export const TITANIC_SPEC: DatasetSpec = {
  target: 'survived',
  features: ['pclass', 'sex', 'age', 'sibsp', 'parch', 'fare', 'embarked'],
  categorical: ['sex', 'embarked'],
  categories: { sex: ['male', 'female'], embarked: ['S', 'C', 'Q'] },
  task: 'binary',
};
