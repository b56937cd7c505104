import type { World } from '../world/world.js';

/** What every operation handler is given about the request it answers. */
export interface RequestContext {
  /** From the SigV4 credential scope. */
  region: string;
  /** The signing name of the service (rds, dynamodb, ssm, ...). */
  service: string;
  operation: string;
  requestId: string;
  world: World;
  /** The sandbox's clock: scenarios and tests may move it. */
  now(): Date;
  /**
   * Set when the fault injector chose to answer this batch write partially: the share of its requests,
   * in (0, 1], to return as `UnprocessedItems` (faults.ts `unprocessedRate`).
   */
  unprocessedShare?: number;
}

/** A reply passed through as is (e.g. from an embedded dynalite). */
export interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** An XML tree as fast-xml-parser's builder takes it: arrays become repeated elements. */
export type XmlValue = string | number | boolean | Date | undefined | XmlNode | XmlValue[];
export interface XmlNode {
  [element: string]: XmlValue;
}

/** Decoded AWS Query form: flat `Name=value` pairs (`Filters.Filter.1.Name`, ...). */
export type QueryParams = URLSearchParams;

/** Returns the children of `<{Operation}Result>`. */
export type QueryHandler = (ctx: RequestContext, params: QueryParams) => XmlNode | Promise<XmlNode>;

/** A service spoken over AWS Query (RDS, Auto Scaling). */
export interface QueryService {
  signingName: string;
  /** The `Version=` the installed SDK sends, e.g. 2014-10-31 for RDS. */
  version: string;
  /** The XML namespace AWS puts on the response root. */
  xmlns: string;
  operations: Record<string, QueryHandler>;
}

export type JsonHandler = (ctx: RequestContext, input: Record<string, unknown>) => unknown | Promise<unknown>;

/** A service spoken over AWS JSON 1.0 / 1.1 (DynamoDB, CloudWatch, SSM, Secrets Manager). */
export interface JsonService {
  signingName: string;
  /** `X-Amz-Target: <targetPrefix>.<Operation>` */
  targetPrefix: string;
  jsonVersion: '1.0' | '1.1';
  /** CloudWatch: errors also carry `x-amzn-query-error: <QueryCode>;Sender`. */
  queryCompatible?: boolean;
  operations: Record<string, JsonHandler>;
  /**
   * Operations not in `operations` go here when set (DynamoDB item operations go to dynalite).
   * Receives the raw body and headers and returns the reply to send.
   */
  passthrough?: (ctx: RequestContext, body: Buffer, headers: Record<string, string>) => Promise<RawReply>;
}
