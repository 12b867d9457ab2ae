import { XgboostModel } from './xgboost/loaded.js';
import { OnnxModel } from './onnx.js';
import { ContainerModel } from './container.js';
import type { LoadedModel, ModelSpec, RuntimeKind } from './types.js';

export type { LoadedModel, ModelSpec, RuntimeKind, PredictResult, ModelDescription } from './types.js';
export { PayloadError, ModelError } from './types.js';
export { XgboostModel } from './xgboost/loaded.js';
export { parseXgboostJson, ModelFormatError, type FlatForest } from './xgboost/model.js';
export { predictMargins, transform, outputWidth } from './xgboost/predict.js';
export { OnnxModel } from './onnx.js';
export { ContainerModel, type ContainerOptions } from './container.js';
export * from './codecs/index.js';

/** Loads a model for serving: XGBoost and ONNX in process, containers as processes or a URL. */
export async function loadModel(spec: ModelSpec): Promise<LoadedModel> {
  switch (spec.kind) {
    case 'xgboost':
      if (!spec.artifactPath) throw new Error('an XGBoost model needs its artifact file');
      return XgboostModel.fromFile(spec.artifactPath, spec.featureSchema);
    case 'onnx':
      if (!spec.artifactPath) throw new Error('an ONNX model needs its artifact file');
      return OnnxModel.load(spec.artifactPath, spec.featureSchema);
    case 'container':
      return ContainerModel.start({ command: spec.command, url: spec.url, environment: spec.environment, instances: spec.instances });
  }
}

/** SageMaker's container Image decides the runtime: "*xgboost*" → xgboost, "*onnx*" → onnx, anything else a container. */
export function runtimeForImage(image: string | undefined): RuntimeKind {
  const i = (image ?? '').toLowerCase();
  if (i.includes('xgboost')) return 'xgboost';
  if (i.includes('onnx')) return 'onnx';
  return 'container';
}
