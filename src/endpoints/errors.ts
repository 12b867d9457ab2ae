import { DomainError } from './types.js';

export const ACCOUNT_ID = '000000000000';
export function region(): string {
  return process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

export function arn(kind: 'model' | 'endpoint-config' | 'endpoint', name: string): string {
  return `arn:aws:sagemaker:${region()}:${ACCOUNT_ID}:${kind}/${name.toLowerCase()}`;
}

export const validation = (message: string) => new DomainError('ValidationException', message);

/**
 * Runtime (invoke) errors, as SageMaker runtime names them. `status` is the HTTP status.
 * ValidationError 400, ModelNotReadyException 429, ServiceUnavailable 503.
 */
export class InvokeError extends Error {
  constructor(
    readonly type: 'ValidationError' | 'ModelNotReadyException' | 'ServiceUnavailable',
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export const NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

export function checkName(what: string, field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw validation(`1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  }
  if (!NAME_PATTERN.test(value)) {
    throw validation(
      `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`,
    );
  }
  void what;
  return value;
}
