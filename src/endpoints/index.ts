import { EndpointServiceImpl, type EndpointServiceDeps } from './endpoint-service.js';

export * from './types.js';
export type { EndpointService, InvokeRequest, InvokeResult } from './service.js';
export { InvokeError, ACCOUNT_ID, arn, NAME_PATTERN } from './errors.js';
export { CONTAINER_COMMAND_ENV, CONTAINER_URL_ENV } from './model-source.js';
export { BUCKETS, bucketOf, hashKey, rebalance, targetCounts } from './sticky.js';
export { EndpointServiceImpl, registryUserInStore, type EndpointServiceDeps, type WeightChangeListener } from './endpoint-service.js';

/** Builds the endpoint service and restores every endpoint from the store. */
export async function createEndpointService(deps: EndpointServiceDeps): Promise<EndpointServiceImpl> {
  const service = new EndpointServiceImpl(deps);
  await service.start();
  return service;
}
