import * as ort from 'onnxruntime-node';
import type { FeatureSchema } from '../data/schema.js';
import { decodeRequest, encodeResponse, responseCodec, contentTypeOf, RowBuffer } from './codecs/index.js';
import type { LoadedModel, ModelDescription, PredictResult } from './types.js';
import { ModelError } from './types.js';

/**
 * An ONNX model run by onnxruntime-node: one session per loaded model. The first input takes a float32
 * [rows, features] tensor; the output used is "probabilities" (class probabilities, as skl2onnx names it)
 * when present, else the first float output ([rows] or [rows, k]).
 */
export class OnnxModel implements LoadedModel {
  readonly kind = 'onnx' as const;
  private readonly rowsIn = new RowBuffer();

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly cols: number,
    private readonly schema: FeatureSchema | undefined,
    private readonly outputName: string,
  ) {}

  static async load(path: string, schema?: FeatureSchema): Promise<OnnxModel> {
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    } catch (err) {
      throw new Error(`${path}: onnxruntime cannot load the model (${(err as Error).message})`);
    }
    const meta = (session.inputMetadata as unknown as ort.InferenceSession.ValueMetadata[] | undefined)?.[0] as { shape?: (number | string)[] } | undefined;
    const declared = meta?.shape?.[1];
    const cols = typeof declared === 'number' && declared > 0 ? declared : schema?.features.length ?? 0;
    if (!cols) throw new Error(`${path}: cannot tell the number of input features (no fixed second dimension and no feature schema)`);
    const outputName = session.outputNames.includes('probabilities') ? 'probabilities' : session.outputNames[0];
    return new OnnxModel(session, cols, schema, outputName);
  }

  async predict(body: Buffer, contentType: string, accept: string | undefined): Promise<PredictResult> {
    const decoded = decodeRequest(body, contentType, this.cols, this.schema, this.rowsIn);
    const codec = responseCodec(accept, decoded.codec);
    const rows = decoded.rows;
    const input = new ort.Tensor('float32', decoded.x.slice(0, rows * this.cols), [rows, this.cols]);
    let output: ort.Tensor;
    try {
      const result = await this.session.run({ [this.session.inputNames[0]]: input }, [this.outputName]);
      output = result[this.outputName];
    } catch (err) {
      throw new ModelError(`onnxruntime failed: ${(err as Error).message}`);
    }
    const values = Float32Array.from(output.data as Float32Array);
    const width = output.dims.length > 1 ? Number(output.dims[1]) : 1;
    const binary = width === 2 && (this.schema?.task ?? 'binary') === 'binary';
    const outValues = binary ? positiveColumn(values, rows) : values;
    return {
      body: encodeResponse({ rows, width: binary ? 1 : width, values: outValues, classes: this.schema?.classes, binary: binary || this.schema?.task === 'binary' }, codec),
      contentType: contentTypeOf(codec),
      records: rows,
      scores: binary || width === 1 ? outValues : undefined,
    };
  }

  async health(): Promise<boolean> {
    return true;
  }

  async unload(): Promise<void> {
    await this.session.release();
  }

  describe(): ModelDescription {
    return { kind: 'onnx', features: this.cols, detail: { inputs: this.session.inputNames, outputs: this.session.outputNames, output: this.outputName } };
  }
}

/** Two-column class probabilities → P(class 1), so binary ONNX classifiers answer like XGBoost's binary:logistic. */
function positiveColumn(values: Float32Array, rows: number): Float32Array {
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) out[r] = values[r * 2 + 1];
  return out;
}
