export { DataError, readCsv, parseCsv, type CsvTable } from './csv.js';
export { fitSchema, encodeTable, fingerprint, isMissing, type DatasetSpec, type EncodedData } from './encode.js';
export { stratifiedSplit, seededRandom, DEFAULT_SPLIT, type Split, type SplitFractions } from './split.js';
export { TITANIC_CSV, TITANIC_SPEC } from './titanic.js';
export type { FeatureSchema, FeatureSpec, Task } from './schema.js';
