/**
 * The endpoint domain in SageMaker's own shapes (field names as in the SageMaker API reference), so
 * that the SageMaker JSON 1.1 surface is a thin protocol layer and the native /v1 API wraps the same service.
 */
export type EndpointStatus =
  | 'Creating'
  | 'InService'
  | 'Updating'
  | 'SystemUpdating'
  | 'RollingBack'
  | 'Deleting'
  | 'Failed';

export interface ContainerDefinition {
  Image?: string;
  ModelDataUrl?: string;
  Environment?: Record<string, string>;
}

export interface ModelRecord {
  ModelName: string;
  ModelArn: string;
  PrimaryContainer: ContainerDefinition;
  ExecutionRoleArn?: string;
  CreationTime: Date;
}

export interface ProductionVariantConfig {
  VariantName: string;
  ModelName: string;
  InitialInstanceCount?: number;
  InstanceType?: string;
  /** Defaults to 1.0 as in SageMaker. */
  InitialVariantWeight?: number;
}

export interface DataCaptureConfig {
  EnableCapture?: boolean;
  InitialSamplingPercentage: number;
  DestinationS3Uri?: string;
  CaptureOptions: { CaptureMode: 'Input' | 'Output' | 'InputAndOutput' }[];
}

export interface EndpointConfigRecord {
  EndpointConfigName: string;
  EndpointConfigArn: string;
  ProductionVariants: ProductionVariantConfig[];
  /** Shadow variants get a sampled copy of live traffic (InitialVariantWeight relative to production = sampling share). */
  ShadowProductionVariants?: ProductionVariantConfig[];
  DataCaptureConfig?: DataCaptureConfig;
  CreationTime: Date;
}

export interface ProductionVariantSummary {
  VariantName: string;
  CurrentWeight: number;
  DesiredWeight: number;
  CurrentInstanceCount: number;
  DesiredInstanceCount: number;
}

export interface EndpointRecord {
  EndpointName: string;
  EndpointArn: string;
  EndpointConfigName: string;
  EndpointStatus: EndpointStatus;
  FailureReason?: string;
  ProductionVariants: ProductionVariantSummary[];
  ShadowProductionVariants?: ProductionVariantSummary[];
  CreationTime: Date;
  LastModifiedTime: Date;
}

export interface DesiredWeightAndCapacity {
  VariantName: string;
  DesiredWeight?: number;
  DesiredInstanceCount?: number;
}

/** Domain errors carry the SageMaker error type the API layer answers with. */
export type SageMakerErrorType = 'ValidationException' | 'ResourceNotFound' | 'ResourceInUse' | 'ResourceLimitExceeded';

export class DomainError extends Error {
  constructor(
    readonly type: SageMakerErrorType,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}
