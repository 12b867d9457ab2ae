import { readFileSync } from 'node:fs';
import type { FeatureSchema } from '../../data/schema.js';
import { toXgboostJson, isXgboostJson } from '../../registry/index.js';
import { decodeRequest, encodeResponse, responseCodec, contentTypeOf, RowBuffer, type Predictions } from '../codecs/index.js';
import type { LoadedModel, ModelDescription, PredictResult } from '../types.js';
import { ModelFormatError, parseXgboostJson, type FlatForest } from './model.js';
import { outputWidth, predictMargins, transform } from './predict.js';

/** An XGBoost model evaluated in process by the TypeScript evaluator. Stateless between requests but for scratch buffers. */
export class XgboostModel implements LoadedModel {
  readonly kind = 'xgboost' as const;
  private readonly rowsIn = new RowBuffer();
  private margins = new Float32Array(16);
  private readonly width: number;
  private readonly cols: number;

  constructor(
    readonly forest: FlatForest,
    readonly schema: FeatureSchema | undefined,
  ) {
    this.width = outputWidth(forest);
    this.cols = forest.numFeature || schema?.features.length || 0;
    if (schema && forest.numFeature && schema.features.length !== forest.numFeature) {
      throw new ModelFormatError(`the feature schema has ${schema.features.length} features, the model ${forest.numFeature}`);
    }
  }

  static fromBytes(bytes: Buffer, schema?: FeatureSchema, source = 'model'): XgboostModel {
    const json = isXgboostJson(bytes) ? bytes : toXgboostJson(bytes, source);
    return new XgboostModel(parseXgboostJson(json, source), schema);
  }

  static fromFile(path: string, schema?: FeatureSchema): XgboostModel {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (err) {
      throw new ModelFormatError(`${path}: cannot read the model (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    return XgboostModel.fromBytes(bytes, schema, path);
  }

  /** Predictions for rows already encoded (row-major, NaN = missing): rows × outputWidth values. */
  predictRows(x: Float32Array, rows: number, options: { outputMargin?: boolean; baseMargin?: ArrayLike<number> } = {}): Float32Array {
    const k = this.forest.numGroup;
    if (options.outputMargin) {
      const margins = new Float32Array(rows * k);
      predictMargins(this.forest, x, rows, this.cols, margins, options.baseMargin);
      return margins;
    }
    if (this.margins.length < rows * k) this.margins = new Float32Array(rows * k);
    predictMargins(this.forest, x, rows, this.cols, this.margins, options.baseMargin);
    const out = new Float32Array(rows * this.width);
    transform(this.forest, this.margins, rows, out);
    return out;
  }

  predict(body: Buffer, contentType: string, accept: string | undefined): PredictResult {
    const decoded = decodeRequest(body, contentType, this.cols, this.schema, this.rowsIn);
    const codec = responseCodec(accept, decoded.codec);
    const rows = decoded.rows;
    const k = this.forest.numGroup;
    if (this.margins.length < rows * k) this.margins = new Float32Array(rows * k * 2);
    predictMargins(this.forest, decoded.x, rows, this.cols, this.margins);
    const values = new Float32Array(rows * this.width);
    transform(this.forest, this.margins, rows, values);
    const predictions: Predictions = {
      rows,
      width: this.width,
      values,
      classes: this.schema?.classes,
      binary: this.forest.objective === 'binary:logistic' || (this.forest.objective === 'reg:logistic' && this.schema?.task === 'binary'),
      classIndexOutput: this.forest.objective === 'multi:softmax',
    };
    return {
      body: encodeResponse(predictions, codec),
      contentType: contentTypeOf(codec),
      records: rows,
      scores: this.width === 1 ? values : maxPerRow(values, rows, this.width),
      labels: this.width > 1 ? argmaxPerRow(values, rows, this.width) : undefined,
    };
  }

  async health(): Promise<boolean> {
    return true;
  }

  async unload(): Promise<void> {}

  describe(): ModelDescription {
    return {
      kind: 'xgboost',
      features: this.cols,
      classes: this.forest.numGroup > 1 ? this.forest.numGroup : this.schema?.classes?.length,
      trees: this.forest.treeRoot.length,
      detail: { objective: this.forest.objective, booster: this.forest.booster, nodes: this.forest.left.length },
    };
  }
}

function maxPerRow(values: Float32Array, rows: number, width: number): Float32Array {
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let m = values[r * width];
    for (let c = 1; c < width; c++) m = Math.max(m, values[r * width + c]);
    out[r] = m;
  }
  return out;
}

function argmaxPerRow(values: Float32Array, rows: number, width: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < width; c++) if (values[r * width + c] > values[r * width + best]) best = c;
    out[r] = best;
  }
  return out;
}
