import type { FastifyReply } from 'fastify';

/** AWS JSON-protocol error: status, `__type` in the body and `x-amzn-errortype` header. */
export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = type;
  }
}

export function sendAwsJsonError(reply: FastifyReply, err: AwsError, contentType: string): FastifyReply {
  return reply
    .status(err.status)
    .header('content-type', contentType)
    .header('x-amzn-errortype', err.type)
    .send(JSON.stringify({ __type: err.type, message: err.message, Message: err.message, ...err.extra }));
}
