import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractModelFromTarGz, isGzip, RegistryError, type Registry } from '../registry/index.js';
import { runtimeForImage, type ModelSpec } from '../runtime/index.js';
import type { ContainerDefinition } from './types.js';

/** Environment variables that describe a container model (splitserve's own names). */
export const CONTAINER_COMMAND_ENV = 'SPLITSERVE_CONTAINER_COMMAND';
export const CONTAINER_URL_ENV = 'SPLITSERVE_CONTAINER_URL';

/**
 * Resolves a SageMaker container definition to something the runtime can load:
 * ModelDataUrl as registry://name[/version], file:// (a model file or model.tar.gz), http(s):// (downloaded once);
 * Image picks the runtime (…xgboost… / …onnx… / anything else = container).
 */
export async function resolveModelSpec(container: ContainerDefinition, registry: Registry, cacheDir: string, instances: number): Promise<ModelSpec> {
  const env = container.Environment ?? {};
  const url = container.ModelDataUrl;
  let kind = container.Image ? runtimeForImage(container.Image) : undefined;
  if (kind === 'container' || (!url && (env[CONTAINER_COMMAND_ENV] || env[CONTAINER_URL_ENV]))) {
    const command = env[CONTAINER_COMMAND_ENV];
    const target = env[CONTAINER_URL_ENV];
    if (!command && !target) {
      throw new Error(`image "${container.Image}" is neither XGBoost nor ONNX, so the model must be a container: set Environment ${CONTAINER_COMMAND_ENV} (a command listening on $SAGEMAKER_BIND_TO_PORT) or ${CONTAINER_URL_ENV}`);
    }
    return { kind: 'container', command: command ? ['/bin/sh', '-c', command] : undefined, url: target, environment: env, instances };
  }
  if (!url) throw new Error('ModelDataUrl is required for XGBoost and ONNX models');
  if (url.startsWith('registry://')) {
    const [name, version] = url.slice('registry://'.length).split('/');
    const v = await registry.get(name, version ? Number(version) : undefined);
    kind ??= v.framework === 'onnx' ? 'onnx' : 'xgboost';
    return { kind, artifactPath: await registry.localArtifact(v), featureSchema: v.featureSchema };
  }
  let bytes: Buffer;
  let source = url;
  if (url.startsWith('http://') || url.startsWith('https://')) {
    const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    if (!res.ok) throw new Error(`downloading ${url}: HTTP ${res.status}`);
    bytes = Buffer.from(await res.arrayBuffer());
  } else {
    const path = url.startsWith('file://') ? fileURLToPath(url) : url;
    if (url.startsWith('s3://')) throw new Error(`${url}: s3:// URLs are not reachable from splitserve; use file://, http(s):// or registry://`);
    try {
      bytes = readFileSync(path);
    } catch (err) {
      throw new Error(`${url}: cannot read the model (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    source = path;
  }
  let fileName = source.split('/').pop() ?? 'model';
  if (isGzip(bytes)) {
    try {
      ({ name: fileName, bytes } = await extractModelFromTarGz(bytes, source));
    } catch (err) {
      throw new Error(err instanceof RegistryError ? err.message : `${source}: ${(err as Error).message}`);
    }
  }
  kind ??= fileName.endsWith('.onnx') ? 'onnx' : 'xgboost';
  const sha = createHash('sha256').update(bytes).digest('hex');
  mkdirSync(cacheDir, { recursive: true });
  const path = join(cacheDir, `${sha}${kind === 'onnx' ? '.onnx' : ''}`);
  if (!existsSync(path)) {
    writeFileSync(`${path}.tmp`, bytes);
    renameSync(`${path}.tmp`, path);
  }
  return { kind, artifactPath: path };
}
