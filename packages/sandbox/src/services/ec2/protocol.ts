import { AwsError } from '../../errors.js';
import type { QueryParams, RawReply, RequestContext, XmlNode } from '../../protocols/types.js';
import { toXml } from '../../protocols/xml.js';

/*
 * EC2's own Query dialect (aws.md §3, §4), which differs from RDS's in both envelopes: a reply has no
 * `<OpResult>` wrapper (the SDK's AwsEc2QueryProtocol reads the children of `<OpResponse>` directly,
 * lowerCamel names, lists of `<item>`), and an error is `<Response><Errors><Error>…</Errors>` with
 * `<RequestID>`. EC2 has no modelled errors, so the SDK names the error after the wire code.
 */

export const EC2_SIGNING_NAME = 'ec2';
/** The `Version=` the installed client-ec2 sends. */
export const EC2_VERSION = '2016-11-15';
const XMLNS = `http://ec2.amazonaws.com/doc/${EC2_VERSION}/`;

/** Returns the children of `<{Operation}Response>`, `requestId` aside. */
export type Ec2Handler = (ctx: RequestContext, params: QueryParams) => XmlNode;

/** The operation of a request, for the request log and fault rules, before it is answered. */
export function ec2Operation(body: Buffer): string {
  return new URLSearchParams(body.toString('utf8')).get('Action') ?? 'Unknown';
}

export function dispatchEc2(
  ctx: RequestContext,
  body: Buffer,
  operations: Record<string, Ec2Handler>,
): RawReply {
  const params = new URLSearchParams(body.toString('utf8'));
  try {
    const handler = operations[ctx.operation];
    if (!handler) {
      throw new AwsError('InvalidAction', `The action ${ctx.operation} is not valid for this web service.`);
    }
    const xml = toXml({
      [`${ctx.operation}Response`]: { '@_xmlns': XMLNS, requestId: ctx.requestId, ...handler(ctx, params) },
    });
    return { status: 200, headers: headers(ctx), body: xml };
  } catch (error) {
    if (error instanceof AwsError) return ec2Error(ctx, error);
    throw error;
  }
}

export function ec2Error(ctx: RequestContext, error: AwsError): RawReply {
  const xml = toXml({
    Response: {
      Errors: { Error: { Code: error.code, Message: error.message } },
      RequestID: ctx.requestId,
    },
  });
  return { status: error.status, headers: headers(ctx), body: xml };
}

function headers(ctx: RequestContext): Record<string, string> {
  return { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': ctx.requestId };
}

/** EC2's flattened lists: `GroupId.1`, `GroupId.2`, … (no `.member.`). */
export function ec2List(params: QueryParams, prefix: string): string[] {
  const values: string[] = [];
  for (let i = 1; params.has(`${prefix}.${i}`); i++) values.push(params.get(`${prefix}.${i}`)!);
  return values;
}

/** `Filter.N.Name` with `Filter.N.Value.M`. */
export function ec2Filters(params: QueryParams): Map<string, string[]> {
  const filters = new Map<string, string[]>();
  for (let i = 1; params.has(`Filter.${i}.Name`); i++) {
    filters.set(params.get(`Filter.${i}.Name`)!, ec2List(params, `Filter.${i}.Value`));
  }
  return filters;
}
