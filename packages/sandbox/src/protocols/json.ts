import { AwsError } from '../errors.js';
import type { JsonService, RawReply, RequestContext } from './types.js';

/**
 * The AWS JSON 1.0 / 1.1 dispatcher (DynamoDB, CloudWatch, SSM, Secrets Manager):
 * `X-Amz-Target: <prefix>.<Operation>` selects the handler; replies are the output object, errors
 * `{"__type": "<Code>", "message": "…"}` with a status >= 400 (the SDK only needs >= 300).
 */
export class JsonDispatcher {
  private readonly byPrefix = new Map<string, JsonService>();

  register(service: JsonService): void {
    this.byPrefix.set(service.targetPrefix, service);
  }

  /** The service and operation named by an `X-Amz-Target` header, if a registered one. */
  resolve(target: string | undefined): { service: JsonService; operation: string } | undefined {
    if (!target) return undefined;
    const dot = target.lastIndexOf('.');
    const service = this.byPrefix.get(target.slice(0, dot));
    return service ? { service, operation: target.slice(dot + 1) } : undefined;
  }

  async dispatch(
    ctx: RequestContext,
    service: JsonService,
    body: Buffer,
    headers: Record<string, string>,
  ): Promise<RawReply> {
    try {
      const handler = service.operations[ctx.operation];
      if (!handler && service.passthrough) return await service.passthrough(ctx, body, headers);
      if (!handler) {
        throw new AwsError('UnknownOperationException', `Operation ${ctx.operation} is not supported.`, 400, {
          queryCode: 'InvalidAction',
        });
      }
      let input: Record<string, unknown>;
      try {
        input = body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as Record<string, unknown>);
      } catch {
        throw new AwsError('SerializationException', 'The request body is not valid JSON.');
      }
      const output = (await handler(ctx, input)) ?? {};
      return {
        status: 200,
        headers: jsonHeaders(ctx, service),
        body: JSON.stringify(output, jsonReplacer),
      };
    } catch (error) {
      if (error instanceof AwsError) return jsonError(ctx, service, error);
      throw error;
    }
  }
}

/** Timestamps go out as epoch seconds (fractions allowed), which the JSON deserializer turns into `Date`. */
function jsonReplacer(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  return raw instanceof Date ? raw.getTime() / 1000 : value;
}

function jsonHeaders(ctx: RequestContext, service: JsonService): Record<string, string> {
  return {
    'content-type': `application/x-amz-json-${service.jsonVersion}`,
    'x-amzn-requestid': ctx.requestId,
  };
}

export function jsonError(ctx: RequestContext, service: JsonService, error: AwsError): RawReply {
  const headers = jsonHeaders(ctx, service);
  if (service.queryCompatible) {
    headers['x-amzn-query-error'] = `${error.queryCode ?? error.code};${error.fault}`;
  }
  return {
    status: error.status,
    headers,
    body: JSON.stringify({ __type: error.code, message: error.message }),
  };
}
