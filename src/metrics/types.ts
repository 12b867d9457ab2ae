import type { PredictResult } from '../runtime/types.js';

/**
 * What the router tells the rest of the system about each invocation. One event object per request;
 * observers (metrics, data capture, the prediction log for ground truth, shadow comparison) must not
 * block: they copy what they need into preallocated structures or queues and return.
 */
export interface InvocationEvent {
  endpoint: string;
  variant: string;
  /** The caller's X-Amzn-SageMaker-Inference-Id, else one the router generated. */
  inferenceId: string;
  /** Epoch milliseconds when the request arrived. */
  startedAt: number;
  /** HTTP status answered (200, 4xx, 5xx). For shadow invocations: what the shadow would have answered. */
  status: number;
  /** Time inside the model, microseconds (0 when the model was never reached). */
  modelLatencyUs: number;
  /** Time outside the model (routing, codecs, HTTP handling), microseconds. */
  overheadLatencyUs: number;
  requestBody: Buffer;
  contentType: string;
  accept: string | undefined;
  result: PredictResult | undefined;
  /** The model's error message, when status >= 400. */
  errorMessage?: string;
  /** True for a copy sent to a shadow variant: its answer was discarded. */
  shadow: boolean;
  /** The sticky assignment key, when one was given. */
  assignmentKey?: string;
}

export interface InvocationObserver {
  invocationStarted(endpoint: string, variant: string, shadow: boolean): void;
  invocationFinished(event: InvocationEvent): void;
}
