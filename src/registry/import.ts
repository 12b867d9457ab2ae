import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as tar from 'tar';
import { Booster } from '../training/index.js';
import type { FeatureSchema } from '../data/index.js';
import { RegistryError, type Framework, type ModelVersion, type Registry } from './registry.js';

/** The file name SageMaker's XGBoost container writes inside model.tar.gz. */
export const SAGEMAKER_XGBOOST_FILE = 'xgboost-model';

export function isGzip(buf: Buffer): boolean {
  return buf.length > 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

/** True when the bytes are XGBoost's JSON model format (not UBJSON, not the legacy binary). */
export function isXgboostJson(buf: Buffer): boolean {
  const head = buf.subarray(0, 64).toString('latin1').trimStart();
  return head.startsWith('{"') || /^\{\s*"/.test(head);
}

/** Unpacks a model.tar.gz and returns the model file in it (xgboost-model, or the single file there). */
export async function extractModelFromTarGz(archive: Buffer, source: string): Promise<{ name: string; bytes: Buffer }> {
  const dir = mkdtempSync(join(tmpdir(), 'splitserve-untar-'));
  try {
    const file = join(dir, 'model.tar.gz');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, archive);
    const out = join(dir, 'out');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(out);
    try {
      await tar.x({ file, cwd: out, strict: true, preservePaths: false });
    } catch (err) {
      throw new RegistryError(`${source}: not a readable tar.gz archive (${(err as Error).message})`, 'Invalid');
    }
    const files = listFiles(out);
    const preferred = files.find((f) => basename(f) === SAGEMAKER_XGBOOST_FILE) ?? files.find((f) => /\.(json|ubj|onnx|model|bst)$/.test(f)) ?? (files.length === 1 ? files[0] : undefined);
    if (!preferred) {
      throw new RegistryError(`${source}: found no model in the archive (expected "${SAGEMAKER_XGBOOST_FILE}"; it holds ${files.map((f) => basename(f)).join(', ') || 'nothing'})`, 'Invalid');
    }
    return { name: basename(preferred), bytes: readFileSync(preferred) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

/**
 * Turns any XGBoost model XGBoost itself can read (JSON, UBJSON, legacy binary) into XGBoost's JSON format,
 * by loading it in libxgboost and saving it again; JSON comes back unchanged.
 */
export function toXgboostJson(bytes: Buffer, source: string): Buffer {
  if (isXgboostJson(bytes)) return bytes;
  let booster: Booster;
  try {
    booster = Booster.fromBuffer(bytes);
  } catch (err) {
    throw new RegistryError(`${source}: not an XGBoost model XGBoost can load (${(err as Error).message.split('\n')[0]})`, 'Invalid');
  }
  try {
    return booster.saveJson();
  } finally {
    booster.free();
  }
}

export interface ImportInput {
  name: string;
  file: string;
  framework?: Framework;
  featureSchema?: FeatureSchema;
}

/** Imports an XGBoost model (JSON / UBJSON / binary), a SageMaker model.tar.gz, or an ONNX file into the registry. */
export async function importModelFile(registry: Registry, input: ImportInput): Promise<ModelVersion> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(input.file);
  } catch (err) {
    throw new RegistryError(`${input.file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'Invalid');
  }
  if (bytes.length === 0) throw new RegistryError(`${input.file}: the file is empty`, 'Invalid');
  let name = basename(input.file);
  if (isGzip(bytes)) ({ name, bytes } = await extractModelFromTarGz(bytes, input.file));
  const framework: Framework = input.framework ?? (name.endsWith('.onnx') ? 'onnx' : 'xgboost');
  if (framework === 'xgboost') bytes = toXgboostJson(bytes, input.file);
  return registry.register({ name: input.name, framework, artifact: bytes, featureSchema: input.featureSchema, source: input.file });
}
