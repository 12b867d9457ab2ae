import type { FeatureSchema } from '../data/schema.js';

/** Which runtime serves a model. */
export type RuntimeKind = 'xgboost' | 'onnx' | 'container';

export interface ModelSpec {
  kind: RuntimeKind;
  /** Local file of the artifact (XGBoost JSON / UBJSON, ONNX), already fetched/unpacked. */
  artifactPath?: string;
  featureSchema?: FeatureSchema;
  /** container: a command to start (gets SAGEMAKER_BIND_TO_PORT) or the URL of a running server. */
  command?: string[];
  url?: string;
  environment?: Record<string, string>;
  /** container: number of processes; in-process runtimes ignore it. */
  instances?: number;
}

/**
 * One prediction answer. `scores` holds the primary score per record (binary: probability of the
 * positive class; regression: the value; multiclass: the winning class probability) so that ground
 * truth can be joined later without re-parsing the body. Runtimes that cannot tell (containers) omit it.
 */
export interface PredictResult {
  body: Buffer | string;
  contentType: string;
  records: number;
  scores?: ArrayLike<number>;
  labels?: ArrayLike<number>;
  /** X-Amzn-SageMaker-Custom-Attributes set by the model in its answer (containers), returned to the caller. */
  customAttributes?: string;
}

export interface ModelDescription {
  kind: RuntimeKind;
  features?: number;
  classes?: number;
  trees?: number;
  detail?: Record<string, unknown>;
}

/** What the router holds for each variant instance. The router never knows which kind it serves. */
export interface LoadedModel {
  readonly kind: RuntimeKind;
  /** In-process runtimes answer synchronously; containers return a Promise. */
  /** `customAttributes`: the caller's X-Amzn-SageMaker-Custom-Attributes, for models that read it (containers). */
  predict(body: Buffer, contentType: string, accept: string | undefined, customAttributes?: string): PredictResult | Promise<PredictResult>;
  health(): Promise<boolean>;
  unload(): Promise<void>;
  describe(): ModelDescription;
}

/**
 * Payload problems: the API turns them into 4xx. `status` is the HTTP status to answer with
 * (400 bad payload, 406 unsupported Accept, 413 too large, 415 unsupported content type).
 */
export class PayloadError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 406 | 413 | 415 = 400,
  ) {
    super(message);
    this.name = 'PayloadError';
  }
}

/** The model itself failed (container 5xx, crash, timeout): SageMaker's 424 ModelError. */
export class ModelError extends Error {
  constructor(
    message: string,
    readonly originalStatusCode = 500,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}
