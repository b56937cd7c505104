import { AwsError } from '../errors.js';
import type { QueryService, RawReply, RequestContext } from './types.js';
import { toXml } from './xml.js';

/**
 * The AWS Query dispatcher (RDS, Auto Scaling): form-encoded `Action=<Op>&Version=<v>&…` in,
 * `<OpResponse><OpResult>…</OpResult><ResponseMetadata>…` out. The SDK reads only `<OpResult>`:
 * a missing wrapper would parse as an empty success, so every reply goes through here.
 */
export class QueryDispatcher {
  private readonly services = new Map<string, QueryService>();

  register(service: QueryService): void {
    this.services.set(service.signingName, service);
  }

  handles(signingName: string): boolean {
    return this.services.has(signingName);
  }

  /** The operation name of a request, for logging and fault rules, before it is dispatched. */
  operationOf(body: Buffer): string {
    return new URLSearchParams(body.toString('utf8')).get('Action') ?? 'Unknown';
  }

  async dispatch(ctx: RequestContext, body: Buffer): Promise<RawReply> {
    const service = this.services.get(ctx.service);
    if (!service) throw new Error(`no Query service registered for ${ctx.service}`);
    const params = new URLSearchParams(body.toString('utf8'));
    try {
      const handler = service.operations[ctx.operation];
      if (!handler) {
        throw new AwsError('InvalidAction', `The action ${ctx.operation} is not valid for this web service.`);
      }
      const result = await handler(ctx, params);
      const xml = toXml({
        [`${ctx.operation}Response`]: {
          '@_xmlns': service.xmlns,
          [`${ctx.operation}Result`]: result,
          ResponseMetadata: { RequestId: ctx.requestId },
        },
      });
      return { status: 200, headers: xmlHeaders(ctx), body: xml };
    } catch (error) {
      if (error instanceof AwsError) return queryError(ctx, error);
      throw error;
    }
  }
}

function xmlHeaders(ctx: RequestContext): Record<string, string> {
  return { 'content-type': 'text/xml', 'x-amzn-requestid': ctx.requestId };
}

/** `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>` with a status >= 400. */
export function queryError(ctx: RequestContext, error: AwsError): RawReply {
  const xml = toXml({
    ErrorResponse: {
      Error: { Type: error.fault, Code: error.code, Message: error.message },
      RequestId: ctx.requestId,
    },
  });
  return { status: error.status, headers: xmlHeaders(ctx), body: xml };
}

/** Reads an AWS Query list member: `<prefix>.1`, `<prefix>.2`, ... (e.g. `Filters.Filter`). */
export function queryList(params: URLSearchParams, prefix: string): string[] {
  const values: string[] = [];
  for (let i = 1; params.has(`${prefix}.${i}`); i++) values.push(params.get(`${prefix}.${i}`)!);
  return values;
}

/** RDS-style filters: `Filters.Filter.N.Name` with `Filters.Filter.N.Values.Value.M`. */
export function queryFilters(params: URLSearchParams): Map<string, string[]> {
  const filters = new Map<string, string[]>();
  for (let i = 1; params.has(`Filters.Filter.${i}.Name`); i++) {
    const name = params.get(`Filters.Filter.${i}.Name`)!;
    filters.set(name, queryList(params, `Filters.Filter.${i}.Values.Value`));
  }
  return filters;
}
