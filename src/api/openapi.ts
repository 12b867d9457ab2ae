/** The OpenAPI 3 description of the native /v1 API (kept next to the routes in v1.ts). */
export function openApiDocument(): Record<string, unknown> {
  const json = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object' } } } });
  const error = { description: 'Error: { "error": { "code", "message" } }', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  const name = { name: 'name', in: 'path', required: true, schema: { type: 'string' } };
  const op = (summary: string, extra: Record<string, unknown> = {}) => ({ summary, responses: { 200: json('OK'), 400: error, 404: error }, ...extra });
  const body = (schema: Record<string, unknown>) => ({ requestBody: { required: true, content: { 'application/json': { schema } } } });
  return {
    openapi: '3.0.3',
    info: { title: 'splitserve native API', version: '1', description: 'Endpoints, variants, metrics, ground truth, experiments. The SageMaker and CloudWatch APIs are served at POST / and /endpoints/{name}/invocations.' },
    components: {
      schemas: {
        Error: { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] } } },
        Weights: { type: 'object', properties: { weights: { type: 'object', additionalProperties: { type: 'number', minimum: 0 } } }, required: ['weights'] },
        Feedback: {
          oneOf: [
            { type: 'object', properties: { inferenceId: { type: 'string' }, label: { type: 'number' }, reward: { type: 'number' } }, required: ['inferenceId'] },
            { type: 'object', properties: { items: { type: 'array', items: { type: 'object' } } }, required: ['items'] },
          ],
        },
      },
    },
    paths: {
      '/v1/models': { get: op('List SageMaker-style models'), post: op('Create a model (SageMaker CreateModel shape)', body({ type: 'object' })) },
      '/v1/models/{name}': { parameters: [name], get: op('Describe a model'), delete: op('Delete a model') },
      '/v1/endpoint-configs': { get: op('List endpoint configs'), post: op('Create an endpoint config (SageMaker shape)', body({ type: 'object' })) },
      '/v1/endpoint-configs/{name}': { parameters: [name], get: op('Describe an endpoint config'), delete: op('Delete an endpoint config') },
      '/v1/endpoints': { get: op('List endpoints with recent traffic per variant'), post: op('Create an endpoint', body({ type: 'object', properties: { EndpointName: { type: 'string' }, EndpointConfigName: { type: 'string' } } })) },
      '/v1/endpoints/{name}': { parameters: [name], get: op('Describe an endpoint, its deployed config, rollout and bandit'), delete: op('Delete an endpoint') },
      '/v1/endpoints/{name}/config': { parameters: [name], put: op('Move the endpoint to another config (blue/green)', body({ type: 'object', properties: { endpointConfigName: { type: 'string' } } })) },
      '/v1/endpoints/{name}/weights': { parameters: [name], put: op('Set variant weights atomically', body({ $ref: '#/components/schemas/Weights' })) },
      '/v1/endpoints/{name}/rollback': { parameters: [name], post: op('All traffic to the control (or the variant given as "to"); aborts a running rollout') },
      '/v1/endpoints/{name}/invocations': { parameters: [name], post: op('Invoke (same as the SageMaker runtime path)') },
      '/v1/endpoints/{name}/metrics': {
        parameters: [name, { name: 'since', in: 'query', schema: { type: 'string', example: '15m' } }, { name: 'resolution', in: 'query', schema: { type: 'string', enum: ['1s', '1m'] } }],
        get: op('Per-variant totals and time series'),
      },
      '/v1/endpoints/{name}/feedback': { parameters: [name], post: op('Post ground truth by inference id (one or a batch)', body({ $ref: '#/components/schemas/Feedback' })) },
      '/v1/endpoints/{name}/quality': { parameters: [name], get: op('Per-variant quality from ground truth') },
      '/v1/endpoints/{name}/report': { parameters: [name, { name: 'control', in: 'query', schema: { type: 'string' } }, { name: 'mde', in: 'query', schema: { type: 'number' } }], get: op('Experiment report and verdict') },
      '/v1/endpoints/{name}/rollout': { parameters: [name], get: op('Rollout policy and state'), put: op('Start a guarded rollout', body({ type: 'object' })), delete: op('Abort the rollout (rolls back)') },
      '/v1/endpoints/{name}/rollout/evaluate': { parameters: [name], post: op('Evaluate running rollouts now') },
      '/v1/endpoints/{name}/events': { parameters: [name], get: op('Decision log') },
      '/v1/endpoints/{name}/bandit': { parameters: [name], get: op('Bandit settings'), put: op('Turn the bandit on or off', body({ type: 'object' })) },
      '/v1/registry/models': { get: op('Registry: every model version') },
      '/v1/registry/models/{name}': { parameters: [name], get: op('Registry: versions of one model') },
      '/v1/registry/models/{name}/{version}': { parameters: [name, { name: 'version', in: 'path', required: true, schema: { type: 'integer' } }], get: op('Registry: one version'), delete: op('Registry: delete one version (refused while in use)') },
      '/v1/openapi.json': { get: op('This document') },
    },
  };
}
