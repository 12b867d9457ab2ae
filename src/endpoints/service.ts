import type {
  ContainerDefinition,
  DataCaptureConfig,
  DesiredWeightAndCapacity,
  EndpointConfigRecord,
  EndpointRecord,
  ModelRecord,
  ProductionVariantConfig,
} from './types.js';
import type { PredictResult } from '../runtime/types.js';

/** Inputs to one invocation, as the runtime API receives them. */
export interface InvokeRequest {
  endpointName: string;
  body: Buffer;
  contentType: string;
  accept: string | undefined;
  targetVariant: string | undefined;
  customAttributes: string | undefined;
  inferenceId: string | undefined;
  /** splitserve's sticky assignment key (X-Splitserve-Assignment-Key). */
  assignmentKey: string | undefined;
  /** process.hrtime.bigint() / performance.now() style start, for overhead latency. */
  receivedAtNs: bigint;
}

export interface InvokeResult {
  variant: string;
  inferenceId: string;
  result: PredictResult;
  customAttributes: string | undefined;
}

/**
 * The contract between the endpoint domain (src/endpoints) and the HTTP surfaces (src/api).
 * Errors are thrown as DomainError (control plane) or, for invoke, as the runtime's PayloadError /
 * ModelError and the endpoint errors in ./errors.ts.
 */
export interface EndpointService {
  createModel(input: { ModelName: string; PrimaryContainer?: ContainerDefinition; Containers?: ContainerDefinition[]; ExecutionRoleArn?: string }): Promise<ModelRecord>;
  describeModel(name: string): Promise<ModelRecord>;
  listModels(filter?: { NameContains?: string }): Promise<ModelRecord[]>;
  deleteModel(name: string): Promise<void>;

  createEndpointConfig(input: {
    EndpointConfigName: string;
    ProductionVariants: ProductionVariantConfig[];
    ShadowProductionVariants?: ProductionVariantConfig[];
    DataCaptureConfig?: DataCaptureConfig;
  }): Promise<EndpointConfigRecord>;
  describeEndpointConfig(name: string): Promise<EndpointConfigRecord>;
  listEndpointConfigs(filter?: { NameContains?: string }): Promise<EndpointConfigRecord[]>;
  deleteEndpointConfig(name: string): Promise<void>;

  createEndpoint(input: { EndpointName: string; EndpointConfigName: string }): Promise<EndpointRecord>;
  describeEndpoint(name: string): Promise<EndpointRecord>;
  listEndpoints(filter?: { NameContains?: string; StatusEquals?: string }): Promise<EndpointRecord[]>;
  updateEndpoint(input: { EndpointName: string; EndpointConfigName: string }): Promise<EndpointRecord>;
  updateEndpointWeightsAndCapacities(input: { EndpointName: string; DesiredWeightsAndCapacities: DesiredWeightAndCapacity[] }): Promise<EndpointRecord>;
  deleteEndpoint(name: string): Promise<void>;

  invoke(req: InvokeRequest): Promise<InvokeResult>;
}
