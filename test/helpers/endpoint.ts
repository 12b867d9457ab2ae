import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  waitUntilEndpointInService,
  type ProductionVariant,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';

export const XGBOOST_IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1';

/** Creates a SageMaker model per registry name (model-<name>) unless it exists. */
export async function createSeedModels(sm: SageMakerClient, names: string[] = ['titanic-a', 'titanic-b']): Promise<void> {
  for (const name of names) {
    try {
      await sm.send(new CreateModelCommand({ ModelName: `model-${name}`, PrimaryContainer: { Image: XGBOOST_IMAGE, ModelDataUrl: `registry://${name}` }, ExecutionRoleArn: 'arn:aws:iam::000000000000:role/x' }));
    } catch (err) {
      if (!/already existing/.test((err as Error).message)) throw err;
    }
  }
}

/** Deploys the seed variants A and B (VariantA / VariantB) with the given weights and waits for InService. */
export async function deploySeedEndpoint(
  sm: SageMakerClient,
  name: string,
  weights: [number, number] = [80, 20],
  extra: { ShadowProductionVariants?: ProductionVariant[]; DataCaptureConfig?: Record<string, unknown> } = {},
): Promise<void> {
  await createSeedModels(sm);
  await sm.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: `${name}-config`,
      ProductionVariants: [
        { VariantName: 'VariantA', ModelName: 'model-titanic-a', InitialInstanceCount: 1, InstanceType: 'ml.t2.medium', InitialVariantWeight: weights[0] },
        { VariantName: 'VariantB', ModelName: 'model-titanic-b', InitialInstanceCount: 1, InstanceType: 'ml.t2.medium', InitialVariantWeight: weights[1] },
      ],
      ...(extra as object),
    }),
  );
  await sm.send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: `${name}-config` }));
  await waitUntilEndpointInService({ client: sm, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { EndpointName: name });
}

/** mulberry32: a small seeded uniform random source for reproducible tests. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs `n` async jobs with at most `concurrency` in flight. */
export async function inParallel<T>(n: number, concurrency: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      out[i] = await job(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return out;
}
