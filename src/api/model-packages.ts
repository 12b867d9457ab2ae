import { z } from 'zod';
import type { App } from '../app.js';
import { ACCOUNT_ID } from '../endpoints/errors.js';
import { RegistryError, type ModelPackage, type PackageGroup } from '../registry/index.js';
import { AwsError } from './aws-errors.js';

const region = () => process.env.AWS_REGION ?? 'us-east-1';
const groupArn = (name: string) => `arn:aws:sagemaker:${region()}:${ACCOUNT_ID}:model-package-group/${name}`;
const packageArn = (group: string, version: number) => `arn:aws:sagemaker:${region()}:${ACCOUNT_ID}:model-package/${group}/${version}`;
const secs = (ms: number) => ms / 1000;
const NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const approval = z.enum(['Approved', 'Rejected', 'PendingManualApproval']);

/** "arn:…:model-package/group/3" or "group/3" → group and version. */
export function parsePackageRef(ref: string): { group: string; version: number } {
  const m = /(?:model-package\/)?([a-zA-Z0-9-]+)\/(\d+)$/.exec(ref);
  if (!m) throw new AwsError('ValidationException', `ModelPackageName "${ref}" must be a versioned model package ARN (…:model-package/<group>/<version>)`);
  return { group: m[1], version: Number(m[2]) };
}

function groupOut(g: PackageGroup) {
  return { ModelPackageGroupName: g.name, ModelPackageGroupArn: groupArn(g.name), ModelPackageGroupDescription: g.description, CreationTime: secs(g.createdAt), ModelPackageGroupStatus: 'Completed' };
}

function summaryOut(p: ModelPackage) {
  return {
    ModelPackageName: p.group,
    ModelPackageGroupName: p.group,
    ModelPackageVersion: p.version,
    ModelPackageArn: packageArn(p.group, p.version),
    ModelPackageDescription: p.description,
    CreationTime: secs(p.createdAt),
    ModelPackageStatus: 'Completed',
    ModelApprovalStatus: p.approval,
  };
}

function packageOut(p: ModelPackage) {
  const metrics = Object.fromEntries(Object.entries(p.model.metrics ?? {}).filter(([, v]) => typeof v === 'number' || typeof v === 'string').map(([k, v]) => [`splitserve:metric:${k}`, String(v)]));
  return {
    ...summaryOut(p),
    InferenceSpecification: {
      Containers: [{ Image: p.image ?? (p.model.framework === 'onnx' ? 'splitserve-onnx' : 'sagemaker-xgboost:1.7-1'), ModelDataUrl: `registry://${p.group}/${p.version}`, ImageDigest: `sha256:${p.model.sha256}` }],
      SupportedContentTypes: ['text/csv', 'application/json', 'application/jsonlines'],
      SupportedResponseMIMETypes: ['text/csv', 'application/json', 'application/jsonlines'],
    },
    ...(p.approvalDescription ? { ApprovalDescription: p.approvalDescription } : {}),
    CustomerMetadataProperties: { ...metrics, 'splitserve:sha256': p.model.sha256, ...(p.model.parentVersion ? { 'splitserve:parent-version': String(p.model.parentVersion) } : {}), ...(p.model.source ? { 'splitserve:source': p.model.source } : {}), ...p.metadata },
  };
}

const schemas = {
  CreateModelPackageGroup: z.object({ ModelPackageGroupName: z.string().regex(NAME, 'Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$'), ModelPackageGroupDescription: z.string().max(1024).optional() }).passthrough(),
  ByGroup: z.object({ ModelPackageGroupName: z.string() }).passthrough(),
  CreateModelPackage: z
    .object({
      ModelPackageGroupName: z.string(),
      ModelPackageDescription: z.string().max(1024).optional(),
      InferenceSpecification: z.object({ Containers: z.array(z.object({ Image: z.string().optional(), ModelDataUrl: z.string() }).passthrough()).min(1).max(1) }).passthrough(),
      ModelApprovalStatus: approval.optional(),
      CustomerMetadataProperties: z.record(z.string(), z.string()).optional(),
    })
    .passthrough(),
  ByPackage: z.object({ ModelPackageName: z.string() }).passthrough(),
  ListModelPackages: z.object({ ModelPackageGroupName: z.string(), ModelApprovalStatus: approval.optional() }).passthrough(),
  UpdateModelPackage: z.object({ ModelPackageArn: z.string(), ModelApprovalStatus: approval, ApprovalDescription: z.string().max(1024).optional() }).passthrough(),
};

function parse<T extends z.ZodTypeAny>(schema: T, input: unknown): z.infer<T> {
  const r = schema.safeParse(input);
  if (!r.success) throw new AwsError('ValidationException', r.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '));
  return r.data;
}

function wrap<T>(p: Promise<T>): Promise<T> {
  return p.catch((err) => {
    if (err instanceof RegistryError) throw new AwsError(err.code === 'NotFound' ? 'ResourceNotFound' : err.code === 'InUse' ? 'ConflictException' : 'ValidationException', err.message);
    throw err;
  });
}

/** SageMaker Model Registry operations (package groups, versioned packages, approval) on splitserve's registry. */
export function modelPackageOperations(app: App): Record<string, (input: Record<string, unknown>) => Promise<unknown>> {
  const packages = app.packages;
  return {
    CreateModelPackageGroup: (i) => {
      const input = parse(schemas.CreateModelPackageGroup, i);
      return wrap(packages.createGroup(input.ModelPackageGroupName, input.ModelPackageGroupDescription)).then((g) => ({ ModelPackageGroupArn: groupArn(g.name) }));
    },
    DescribeModelPackageGroup: (i) => wrap(packages.group(parse(schemas.ByGroup, i).ModelPackageGroupName)).then(groupOut),
    ListModelPackageGroups: async () => ({ ModelPackageGroupSummaryList: (await packages.groups()).map(groupOut) }),
    DeleteModelPackageGroup: (i) => wrap(packages.deleteGroup(parse(schemas.ByGroup, i).ModelPackageGroupName)).then(() => ({})),
    CreateModelPackage: (i) => {
      const input = parse(schemas.CreateModelPackage, i);
      const container = input.InferenceSpecification.Containers[0];
      return wrap(
        packages.create({
          group: input.ModelPackageGroupName,
          modelDataUrl: container.ModelDataUrl,
          image: container.Image,
          description: input.ModelPackageDescription,
          approval: input.ModelApprovalStatus,
          metadata: input.CustomerMetadataProperties,
        }),
      ).then((p) => ({ ModelPackageArn: packageArn(p.group, p.version) }));
    },
    DescribeModelPackage: (i) => {
      const ref = parsePackageRef(parse(schemas.ByPackage, i).ModelPackageName);
      return wrap(packages.get(ref.group, ref.version)).then(packageOut);
    },
    ListModelPackages: async (i) => {
      const input = parse(schemas.ListModelPackages, i);
      const list = await wrap(packages.list(input.ModelPackageGroupName, input.ModelApprovalStatus));
      return { ModelPackageSummaryList: list.map(summaryOut) };
    },
    UpdateModelPackage: (i) => {
      const input = parse(schemas.UpdateModelPackage, i);
      const ref = parsePackageRef(input.ModelPackageArn);
      return wrap(packages.setApproval(ref.group, ref.version, input.ModelApprovalStatus, input.ApprovalDescription)).then((p) => ({ ModelPackageArn: packageArn(p.group, p.version) }));
    },
    DeleteModelPackage: (i) => {
      const ref = parsePackageRef(parse(schemas.ByPackage, i).ModelPackageName);
      return wrap(packages.delete(ref.group, ref.version)).then(() => ({}));
    },
  };
}

/** CreateModel with PrimaryContainer.ModelPackageName: the container becomes the package's image and registry version. */
export async function containerFromPackage(app: App, container: { ModelPackageName?: string; Image?: string; ModelDataUrl?: string; Environment?: Record<string, string> }): Promise<typeof container> {
  if (!container.ModelPackageName) return container;
  const ref = parsePackageRef(container.ModelPackageName);
  const p = await wrap(app.packages.get(ref.group, ref.version));
  if (p.approval === 'Rejected') throw new AwsError('ValidationException', `Model package ${container.ModelPackageName} is Rejected and cannot be deployed.`);
  const { ModelPackageName: _package, ...rest } = container;
  const out = packageOut(p).InferenceSpecification.Containers[0];
  return { ...rest, Image: out.Image, ModelDataUrl: out.ModelDataUrl };
}
