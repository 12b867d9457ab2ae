import { z } from 'zod';
import type { App } from '../app.js';
import { DomainError, type EndpointConfigRecord, type EndpointRecord, type ModelRecord } from '../endpoints/index.js';
import { createTrainingJobs, type TrainingJobsApi } from './training-jobs.js';
import { AwsError } from './aws-errors.js';
import { containerFromPackage, modelPackageOperations } from './model-packages.js';

/** Epoch seconds, as AWS JSON protocols send timestamps. */
const ts = (d: Date | number) => (typeof d === 'number' ? d : d.getTime()) / 1000;

function modelOut(m: ModelRecord) {
  return { ModelName: m.ModelName, ModelArn: m.ModelArn, PrimaryContainer: m.PrimaryContainer, ExecutionRoleArn: m.ExecutionRoleArn, CreationTime: ts(m.CreationTime), EnableNetworkIsolation: false };
}

function configOut(c: EndpointConfigRecord) {
  return {
    EndpointConfigName: c.EndpointConfigName,
    EndpointConfigArn: c.EndpointConfigArn,
    ProductionVariants: c.ProductionVariants,
    ...(c.ShadowProductionVariants ? { ShadowProductionVariants: c.ShadowProductionVariants } : {}),
    ...(c.DataCaptureConfig ? { DataCaptureConfig: c.DataCaptureConfig } : {}),
    CreationTime: ts(c.CreationTime),
  };
}

function endpointOut(e: EndpointRecord) {
  return {
    EndpointName: e.EndpointName,
    EndpointArn: e.EndpointArn,
    EndpointConfigName: e.EndpointConfigName,
    EndpointStatus: e.EndpointStatus,
    ...(e.FailureReason ? { FailureReason: e.FailureReason } : {}),
    ProductionVariants: e.ProductionVariants.map((v) => ({ ...v, DeployedImages: [] })),
    ...(e.ShadowProductionVariants ? { ShadowProductionVariants: e.ShadowProductionVariants } : {}),
    CreationTime: ts(e.CreationTime),
    LastModifiedTime: ts(e.LastModifiedTime),
  };
}

const container = z.object({ Image: z.string().optional(), ModelDataUrl: z.string().optional(), ModelPackageName: z.string().optional(), Environment: z.record(z.string(), z.string()).optional() }).passthrough();
const variant = z
  .object({
    VariantName: z.string(),
    ModelName: z.string(),
    InitialInstanceCount: z.number().optional(),
    InstanceType: z.string().optional(),
    InitialVariantWeight: z.number().optional(),
  })
  .passthrough();

const listInput = z
  .object({
    NameContains: z.string().optional(),
    MaxResults: z.number().int().min(1).max(100).optional(),
    NextToken: z.string().optional(),
    SortBy: z.enum(['Name', 'CreationTime', 'Status']).optional(),
    SortOrder: z.enum(['Ascending', 'Descending']).optional(),
    StatusEquals: z.string().optional(),
    CreationTimeAfter: z.number().optional(),
    CreationTimeBefore: z.number().optional(),
  })
  .passthrough();

const schemas = {
  CreateModel: z.object({ ModelName: z.string(), PrimaryContainer: container.optional(), Containers: z.array(container).optional(), ExecutionRoleArn: z.string().optional() }).passthrough(),
  DescribeModel: z.object({ ModelName: z.string() }).passthrough(),
  DeleteModel: z.object({ ModelName: z.string() }).passthrough(),
  ListModels: listInput,
  CreateEndpointConfig: z
    .object({
      EndpointConfigName: z.string(),
      ProductionVariants: z.array(variant),
      ShadowProductionVariants: z.array(variant).optional(),
      DataCaptureConfig: z
        .object({
          EnableCapture: z.boolean().optional(),
          InitialSamplingPercentage: z.number(),
          DestinationS3Uri: z.string().optional(),
          CaptureOptions: z.array(z.object({ CaptureMode: z.enum(['Input', 'Output', 'InputAndOutput']) })),
        })
        .passthrough()
        .optional(),
    })
    .passthrough(),
  DescribeEndpointConfig: z.object({ EndpointConfigName: z.string() }).passthrough(),
  DeleteEndpointConfig: z.object({ EndpointConfigName: z.string() }).passthrough(),
  ListEndpointConfigs: listInput,
  CreateEndpoint: z.object({ EndpointName: z.string(), EndpointConfigName: z.string() }).passthrough(),
  DescribeEndpoint: z.object({ EndpointName: z.string() }).passthrough(),
  DeleteEndpoint: z.object({ EndpointName: z.string() }).passthrough(),
  ListEndpoints: listInput,
  UpdateEndpoint: z.object({ EndpointName: z.string(), EndpointConfigName: z.string() }).passthrough(),
  UpdateEndpointWeightsAndCapacities: z
    .object({
      EndpointName: z.string(),
      DesiredWeightsAndCapacities: z.array(z.object({ VariantName: z.string(), DesiredWeight: z.number().optional(), DesiredInstanceCount: z.number().optional() }).passthrough()),
    })
    .passthrough(),
} as const;

/** SageMaker's message for a missing or mistyped member: "1 validation error detected: Value null at 'endpointName' …". */
function validationMessage(err: z.ZodError): string {
  const issues = err.issues.slice(0, 5).map((i) => {
    const path = i.path.map((p, k) => (typeof p === 'number' ? `${p + 1}.member` : k === 0 ? String(p).charAt(0).toLowerCase() + String(p).slice(1) : String(p).charAt(0).toLowerCase() + String(p).slice(1))).join('.');
    const got = (i as { input?: unknown }).input;
    if (got === undefined) return `Value null at '${path}' failed to satisfy constraint: Member must not be null`;
    return `Value '${typeof got === 'object' ? JSON.stringify(got) : String(got)}' at '${path}' failed to satisfy constraint: ${i.message}`;
  });
  return `${issues.length} validation error${issues.length > 1 ? 's' : ''} detected: ${issues.join('; ')}`;
}

function paginate<T>(items: T[], input: z.infer<typeof listInput>, key: (t: T) => { name: string; created: number; status?: string }): { page: T[]; next?: string } {
  let list = items.filter((t) => {
    const k = key(t);
    return (input.CreationTimeAfter === undefined || k.created > input.CreationTimeAfter * 1000) && (input.CreationTimeBefore === undefined || k.created < input.CreationTimeBefore * 1000);
  });
  const by = input.SortBy ?? 'CreationTime';
  const dir = (input.SortOrder ?? 'Descending') === 'Ascending' ? 1 : -1;
  list = [...list].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const cmp = by === 'Name' ? ka.name.localeCompare(kb.name) : by === 'Status' ? (ka.status ?? '').localeCompare(kb.status ?? '') : ka.created - kb.created;
    return dir * cmp;
  });
  const start = input.NextToken ? Number.parseInt(Buffer.from(input.NextToken, 'base64').toString(), 10) : 0;
  if (!Number.isInteger(start) || start < 0) throw new AwsError('ValidationException', 'Invalid pagination token');
  const max = input.MaxResults ?? 100;
  const page = list.slice(start, start + max);
  return { page, next: start + max < list.length ? Buffer.from(String(start + max)).toString('base64') : undefined };
}

export type SageMakerOperation = (input: Record<string, unknown>) => Promise<unknown>;

/** The SageMaker control-plane operations splitserve implements, by name. */
export function sagemakerOperations(app: App): Record<string, SageMakerOperation> {
  const ep = app.endpoints;
  const jobs: TrainingJobsApi = createTrainingJobs(app);
  const parse = <K extends keyof typeof schemas>(op: K, input: unknown): z.infer<(typeof schemas)[K]> => {
    const r = schemas[op].safeParse(input);
    if (!r.success) throw new AwsError('ValidationException', validationMessage(r.error));
    return r.data as z.infer<(typeof schemas)[K]>;
  };
  return {
    CreateModel: async (i) => {
      const input = parse('CreateModel', i);
      const PrimaryContainer = input.PrimaryContainer && (await containerFromPackage(app, input.PrimaryContainer));
      return { ModelArn: (await ep.createModel({ ...input, PrimaryContainer })).ModelArn };
    },
    DescribeModel: async (i) => modelOut(await ep.describeModel(parse('DescribeModel', i).ModelName)),
    DeleteModel: async (i) => (await ep.deleteModel(parse('DeleteModel', i).ModelName), {}),
    ListModels: async (i) => {
      const input = parse('ListModels', i);
      const { page, next } = paginate(await ep.listModels(input), input, (m) => ({ name: m.ModelName, created: m.CreationTime.getTime() }));
      return { Models: page.map((m) => ({ ModelName: m.ModelName, ModelArn: m.ModelArn, CreationTime: ts(m.CreationTime) })), ...(next ? { NextToken: next } : {}) };
    },
    CreateEndpointConfig: async (i) => ({ EndpointConfigArn: (await ep.createEndpointConfig(parse('CreateEndpointConfig', i) as never)).EndpointConfigArn }),
    DescribeEndpointConfig: async (i) => configOut(await ep.describeEndpointConfig(parse('DescribeEndpointConfig', i).EndpointConfigName)),
    DeleteEndpointConfig: async (i) => (await ep.deleteEndpointConfig(parse('DeleteEndpointConfig', i).EndpointConfigName), {}),
    ListEndpointConfigs: async (i) => {
      const input = parse('ListEndpointConfigs', i);
      const { page, next } = paginate(await ep.listEndpointConfigs(input), input, (c) => ({ name: c.EndpointConfigName, created: c.CreationTime.getTime() }));
      return { EndpointConfigs: page.map((c) => ({ EndpointConfigName: c.EndpointConfigName, EndpointConfigArn: c.EndpointConfigArn, CreationTime: ts(c.CreationTime) })), ...(next ? { NextToken: next } : {}) };
    },
    CreateEndpoint: async (i) => ({ EndpointArn: (await ep.createEndpoint(parse('CreateEndpoint', i))).EndpointArn }),
    DescribeEndpoint: async (i) => endpointOut(await ep.describeEndpoint(parse('DescribeEndpoint', i).EndpointName)),
    DeleteEndpoint: async (i) => (await ep.deleteEndpoint(parse('DeleteEndpoint', i).EndpointName), {}),
    ListEndpoints: async (i) => {
      const input = parse('ListEndpoints', i);
      const { page, next } = paginate(await ep.listEndpoints(input), input, (e) => ({ name: e.EndpointName, created: e.CreationTime.getTime(), status: e.EndpointStatus }));
      return {
        Endpoints: page.map((e) => ({ EndpointName: e.EndpointName, EndpointArn: e.EndpointArn, CreationTime: ts(e.CreationTime), LastModifiedTime: ts(e.LastModifiedTime), EndpointStatus: e.EndpointStatus })),
        ...(next ? { NextToken: next } : {}),
      };
    },
    UpdateEndpoint: async (i) => ({ EndpointArn: (await ep.updateEndpoint(parse('UpdateEndpoint', i))).EndpointArn }),
    UpdateEndpointWeightsAndCapacities: async (i) => ({ EndpointArn: (await ep.updateEndpointWeightsAndCapacities(parse('UpdateEndpointWeightsAndCapacities', i))).EndpointArn }),
    CreateTrainingJob: (i) => jobs.create(i),
    DescribeTrainingJob: (i) => jobs.describe(i),
    ListTrainingJobs: (i) => jobs.list(i),
    ...modelPackageOperations(app),
  };
}

/** Turns a thrown error into the SageMaker error shape. */
export function toSageMakerError(err: unknown): AwsError {
  if (err instanceof AwsError) return err;
  if (err instanceof DomainError) return new AwsError(err.type, err.message, 400);
  return new AwsError('InternalFailure', (err as Error).message ?? 'internal error', 500);
}
