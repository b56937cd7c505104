import { crc32 } from 'node:zlib';
import { AwsError } from '../../errors.js';
import type { RawReply, RequestContext } from '../../protocols/types.js';

/** DynamoDB's limit on a BatchWriteItem request (aws.md §9). dynalite answers a larger body with a bare 413. */
export const MAX_BATCH_WRITE_BYTES = 16 * 1024 * 1024;

/** The most write requests one BatchWriteItem may carry; dynalite itself refuses more. */
const MAX_WRITE_REQUESTS = 25;

type WriteRequest = Record<string, unknown>;
type RequestItems = Record<string, WriteRequest[]>;

interface BatchWriteInput {
  RequestItems?: RequestItems;
  [member: string]: unknown;
}

/** Sends a (possibly rewritten) request body to the region's dynalite. */
export type Send = (body: Buffer) => Promise<RawReply>;

/**
 * BatchWriteItem as DynamoDB answers it, on top of dynalite's (which checks the 25-request limit, duplicate
 * keys, item sizes and missing tables, but answers an oversized body with an empty 413 the SDK cannot read):
 * - a body over 16 MB is a ValidationException;
 * - under injected write pressure (`ctx.unprocessedShare`), only the first part of the batch reaches
 *   dynalite and the rest comes back in `UnprocessedItems`, in the shape of `RequestItems`; when the whole
 *   batch would be kept back, the answer is ProvisionedThroughputExceededException and nothing is written.
 * The kept-back requests are validated by dynalite only when the client resends them.
 */
export async function batchWriteItem(ctx: RequestContext, body: Buffer, send: Send): Promise<RawReply> {
  if (body.length > MAX_BATCH_WRITE_BYTES) {
    // DynamoDB's exact wording is unverified; the code is that of its other request-limit checks.
    throw new AwsError(
      'ValidationException',
      `Request size ${body.length} bytes exceeds the BatchWriteItem limit of ${MAX_BATCH_WRITE_BYTES} bytes`,
    );
  }
  const share = ctx.unprocessedShare;
  if (share === undefined) return send(body);

  const input = parseInput(body);
  const requests = flatten(input?.RequestItems);
  // Anything dynalite must refuse as a whole (bad JSON, no requests, too many) goes to it untouched.
  if (!input || requests.length === 0 || requests.length > MAX_WRITE_REQUESTS) return send(body);

  const keptBack = Math.min(requests.length, Math.max(1, Math.round(share * requests.length)));
  if (keptBack === requests.length) {
    throw new AwsError(
      'ProvisionedThroughputExceededException',
      'The level of configured provisioned throughput for the table was exceeded. ' +
        'Consider increasing your provisioning level with the UpdateTable API.',
    );
  }
  const processed = requests.slice(0, requests.length - keptBack);
  const unprocessed = requests.slice(requests.length - keptBack);

  const forwarded = Buffer.from(JSON.stringify({ ...input, RequestItems: group(processed) }), 'utf8');
  const reply = await send(forwarded);
  if (reply.status !== 200) return reply;

  const output = JSON.parse(text(reply)) as { UnprocessedItems?: RequestItems };
  // dynalite never leaves items unprocessed itself, but merge rather than overwrite should it ever do so.
  const merged = group([...flatten(output.UnprocessedItems), ...unprocessed]);
  return withBody(reply, { ...output, UnprocessedItems: merged });
}

interface TableRequest {
  table: string;
  request: WriteRequest;
}

function parseInput(body: Buffer): BatchWriteInput | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as BatchWriteInput) : undefined;
  } catch {
    return undefined;
  }
}

/** The requests of every table, in request order, each with its table. */
function flatten(items: RequestItems | undefined): TableRequest[] {
  if (typeof items !== 'object' || items === null) return [];
  return Object.entries(items).flatMap(([table, list]) =>
    Array.isArray(list) ? list.map((request) => ({ table, request })) : [],
  );
}

function group(requests: TableRequest[]): RequestItems {
  const items: RequestItems = {};
  for (const { table, request } of requests) (items[table] ??= []).push(request);
  return items;
}

function text(reply: RawReply): string {
  return typeof reply.body === 'string' ? reply.body : reply.body.toString('utf8');
}

function withBody(reply: RawReply, output: unknown): RawReply {
  const body = Buffer.from(JSON.stringify(output), 'utf8');
  return {
    status: reply.status,
    // Length and checksum must describe the body actually sent: the SDK checks x-amz-crc32.
    headers: { ...reply.headers, 'content-length': String(body.length), 'x-amz-crc32': String(crc32(body)) },
    body,
  };
}
