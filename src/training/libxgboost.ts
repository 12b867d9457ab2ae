/**
 * A small binding to XGBoost's C API (Debian's libxgboost0, XGBoost 1.7) through koffi.
 * Every handle is wrapped in a class with an explicit free(); callers free in `finally`.
 */
import koffi from 'koffi';

const LIBRARY_NAMES = ['libxgboost.so.0', 'libxgboost.so', '/usr/lib/x86_64-linux-gnu/libxgboost.so.0'];

function loadLibrary(): ReturnType<typeof koffi.load> {
  const errors: string[] = [];
  for (const name of [process.env.SPLITSERVE_LIBXGBOOST, ...LIBRARY_NAMES]) {
    if (!name) continue;
    try {
      return koffi.load(name);
    } catch (err) {
      errors.push(`${name}: ${(err as Error).message}`);
    }
  }
  throw new Error(
    'cannot load libxgboost (XGBoost 1.7 C library). Install Debian\'s libxgboost0 (bash scripts/setup.sh does) ' +
      'or set SPLITSERVE_LIBXGBOOST to the library path. Tried: ' + errors.join('; '),
  );
}

interface Api {
  XGBGetLastError: () => string;
  XGBoostVersion: (major: number[], minor: number[], patch: number[]) => void;
  XGDMatrixCreateFromMat: (data: Float32Array, nrow: number, ncol: number, missing: number, out: unknown[]) => number;
  XGDMatrixSetFloatInfo: (handle: unknown, field: string, data: Float32Array, len: number) => number;
  XGDMatrixFree: (handle: unknown) => number;
  XGBoosterCreate: (dmats: unknown[], len: number, out: unknown[]) => number;
  XGBoosterFree: (handle: unknown) => number;
  XGBoosterSetParam: (handle: unknown, name: string, value: string) => number;
  XGBoosterUpdateOneIter: (handle: unknown, iter: number, dtrain: unknown) => number;
  XGBoosterEvalOneIter: (handle: unknown, iter: number, dmats: unknown[], names: string[], len: number, out: string[]) => number;
  XGBoosterSaveModelToBuffer: (handle: unknown, config: string, outLen: number[], outPtr: unknown[]) => number;
  XGBoosterLoadModelFromBuffer: (handle: unknown, buf: Buffer, len: number) => number;
  XGBoosterPredictFromDMatrix: (handle: unknown, dmat: unknown, config: string, outShape: unknown[], outDim: number[], outResult: unknown[]) => number;
  XGBoosterBoostedRounds: (handle: unknown, out: number[]) => number;
  XGBoosterSlice: (handle: unknown, begin: number, end: number, step: number, out: unknown[]) => number;
}

let api: Api | null = null;

function lib(): Api {
  if (api) return api;
  const l = loadLibrary();
  koffi.alias('bst_ulong', 'uint64_t');
  const handle = koffi.pointer('XGHandle', koffi.opaque());
  void handle;
  api = {
    XGBGetLastError: l.func('const char *XGBGetLastError()'),
    XGBoostVersion: l.func('void XGBoostVersion(_Out_ int *major, _Out_ int *minor, _Out_ int *patch)'),
    XGDMatrixCreateFromMat: l.func('int XGDMatrixCreateFromMat(const float *data, bst_ulong nrow, bst_ulong ncol, float missing, _Out_ XGHandle *out)'),
    XGDMatrixSetFloatInfo: l.func('int XGDMatrixSetFloatInfo(XGHandle handle, const char *field, const float *data, bst_ulong len)'),
    XGDMatrixFree: l.func('int XGDMatrixFree(XGHandle handle)'),
    XGBoosterCreate: l.func('int XGBoosterCreate(XGHandle *dmats, bst_ulong len, _Out_ XGHandle *out)'),
    XGBoosterFree: l.func('int XGBoosterFree(XGHandle handle)'),
    XGBoosterSetParam: l.func('int XGBoosterSetParam(XGHandle handle, const char *name, const char *value)'),
    XGBoosterUpdateOneIter: l.func('int XGBoosterUpdateOneIter(XGHandle handle, int iter, XGHandle dtrain)'),
    XGBoosterEvalOneIter: l.func('int XGBoosterEvalOneIter(XGHandle handle, int iter, XGHandle *dmats, const char **names, bst_ulong len, _Out_ const char **out)'),
    XGBoosterSaveModelToBuffer: l.func('int XGBoosterSaveModelToBuffer(XGHandle handle, const char *config, _Out_ bst_ulong *outLen, _Out_ void **outPtr)'),
    XGBoosterLoadModelFromBuffer: l.func('int XGBoosterLoadModelFromBuffer(XGHandle handle, const void *buf, bst_ulong len)'),
    XGBoosterPredictFromDMatrix: l.func('int XGBoosterPredictFromDMatrix(XGHandle handle, XGHandle dmat, const char *config, _Out_ void **outShape, _Out_ bst_ulong *outDim, _Out_ void **outResult)'),
    XGBoosterBoostedRounds: l.func('int XGBoosterBoostedRounds(XGHandle handle, _Out_ int *out)'),
    XGBoosterSlice: l.func('int XGBoosterSlice(XGHandle handle, int begin, int end, int step, _Out_ XGHandle *out)'),
  } as unknown as Api;
  return api;
}

function check(rc: number, what: string): void {
  if (rc !== 0) throw new Error(`libxgboost ${what} failed: ${lib().XGBGetLastError()}`);
}

/** XGBoost's version as [major, minor, patch]. */
export function xgboostVersion(): [number, number, number] {
  const a = [0], b = [0], c = [0];
  lib().XGBoostVersion(a, b, c);
  return [a[0], b[0], c[0]];
}

/** A dense matrix in XGBoost's memory: rows × cols float32, NaN = missing. */
export class DMatrix {
  private handle: unknown;

  constructor(data: Float32Array, rows: number, cols: number, labels?: ArrayLike<number>) {
    if (data.length !== rows * cols) throw new Error(`DMatrix: ${data.length} values for ${rows}×${cols}`);
    const out: unknown[] = [null];
    check(lib().XGDMatrixCreateFromMat(data, rows, cols, Number.NaN, out), 'XGDMatrixCreateFromMat');
    this.handle = out[0];
    if (labels) this.setFloatInfo('label', labels);
  }

  setFloatInfo(field: 'label' | 'weight' | 'base_margin', values: ArrayLike<number>): void {
    const arr = values instanceof Float32Array ? values : Float32Array.from(values);
    check(lib().XGDMatrixSetFloatInfo(this.raw, field, arr, arr.length), `XGDMatrixSetFloatInfo(${field})`);
  }

  get raw(): unknown {
    if (this.handle === null) throw new Error('DMatrix used after free()');
    return this.handle;
  }

  free(): void {
    if (this.handle !== null) {
      lib().XGDMatrixFree(this.handle);
      this.handle = null;
    }
  }
}

export interface PredictOptions {
  /** Raw margins instead of transformed predictions. */
  outputMargin?: boolean;
  /** Use trees of rounds [begin, end); 0,0 = all. */
  iterationRange?: [number, number];
}

/** A booster: train it round by round, or load a saved model and predict. */
export class Booster {
  private handle: unknown;

  constructor(cache: DMatrix[] = []) {
    const out: unknown[] = [null];
    check(lib().XGBoosterCreate(cache.map((d) => d.raw), cache.length, out), 'XGBoosterCreate');
    this.handle = out[0];
  }

  /** Loads a model saved in XGBoost's JSON or UBJSON format (or its legacy binary). */
  static fromBuffer(model: Buffer): Booster {
    const b = new Booster();
    check(lib().XGBoosterLoadModelFromBuffer(b.raw, model, model.length), 'XGBoosterLoadModelFromBuffer');
    return b;
  }

  get raw(): unknown {
    if (this.handle === null) throw new Error('Booster used after free()');
    return this.handle;
  }

  setParam(name: string, value: string | number): void {
    check(lib().XGBoosterSetParam(this.raw, name, String(value)), `XGBoosterSetParam(${name}=${value})`);
  }

  updateOneIter(iteration: number, train: DMatrix): void {
    check(lib().XGBoosterUpdateOneIter(this.raw, iteration, train.raw), 'XGBoosterUpdateOneIter');
  }

  /** XGBoost's evaluation line, e.g. "[3]\tvalidation-logloss:0.41". */
  evalOneIter(iteration: number, sets: { name: string; data: DMatrix }[]): string {
    const out = [''];
    check(
      lib().XGBoosterEvalOneIter(this.raw, iteration, sets.map((s) => s.data.raw), sets.map((s) => s.name), sets.length, out),
      'XGBoosterEvalOneIter',
    );
    return out[0];
  }

  boostedRounds(): number {
    const out = [0];
    check(lib().XGBoosterBoostedRounds(this.raw, out), 'XGBoosterBoostedRounds');
    return out[0];
  }

  /** A new booster holding the rounds [begin, end). */
  slice(begin: number, end: number): Booster {
    const out: unknown[] = [null];
    check(lib().XGBoosterSlice(this.raw, begin, end, 1, out), 'XGBoosterSlice');
    const b = Object.create(Booster.prototype) as Booster;
    b.handle = out[0];
    return b;
  }

  /** The model in XGBoost's JSON format. */
  saveJson(): Buffer {
    return this.saveRaw('json');
  }

  /** The model in XGBoost's JSON, UBJSON or deprecated binary format. */
  saveRaw(format: 'json' | 'ubj' | 'deprecated'): Buffer {
    const len = [0];
    const ptr: unknown[] = [null];
    check(lib().XGBoosterSaveModelToBuffer(this.raw, JSON.stringify({ format }), len, ptr), 'XGBoosterSaveModelToBuffer');
    return Buffer.from(koffi.decode(ptr[0], 'uint8_t', len[0]) as number[]);
  }

  /**
   * Predictions as float32, flattened row-major with their shape: [rows] for single output,
   * [rows, classes] for multi:softprob.
   */
  predict(data: DMatrix, options: PredictOptions = {}): { values: Float32Array; shape: number[] } {
    const config = JSON.stringify({
      type: options.outputMargin ? 1 : 0,
      training: false,
      iteration_begin: options.iterationRange?.[0] ?? 0,
      iteration_end: options.iterationRange?.[1] ?? 0,
      strict_shape: false,
    });
    const shapePtr: unknown[] = [null];
    const dim = [0];
    const resultPtr: unknown[] = [null];
    check(lib().XGBoosterPredictFromDMatrix(this.raw, data.raw, config, shapePtr, dim, resultPtr), 'XGBoosterPredictFromDMatrix');
    const shape = Array.from(koffi.decode(shapePtr[0], 'uint64_t', dim[0]) as ArrayLike<number | bigint>, Number);
    const total = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(koffi.decode(resultPtr[0], 'float', total) as number[]);
    return { values, shape };
  }

  free(): void {
    if (this.handle !== null) {
      lib().XGBoosterFree(this.handle);
      this.handle = null;
    }
  }
}
