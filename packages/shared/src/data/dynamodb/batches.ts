import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { AttributeMap } from './attribute-json.js';

/** BatchWriteItem's limits (aws.md §9): 25 requests and 16 MB per request. */
export const MAX_BATCH_ITEMS = 25;
/** 16 MB less room for the envelope (table name, brackets), so that a batch never reaches the limit. */
export const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 64 * 1024;

/**
 * Splits a page of items into BatchWriteItem batches of at most 25 items and at most `maxBytes` of request
 * JSON. 25 items of 400 KB fit in 16 MB as DynamoDB counts them, but the request is JSON: binary grows by
 * a third as base64 and a quote or a control character takes 2 to 6 bytes, so the size is counted as sent.
 */
export function toBatches(
  items: AttributeMap[],
  maxItems = MAX_BATCH_ITEMS,
  maxBytes = MAX_BATCH_BYTES,
): AttributeMap[][] {
  const batches: AttributeMap[][] = [];
  let current: AttributeMap[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = putRequestBytes(item);
    if (current.length > 0 && (current.length === maxItems || bytes + size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The bytes `{"PutRequest":{"Item":…}},` takes in the request body, as the SDK serialises it. */
export function putRequestBytes(item: AttributeMap): number {
  return '{"PutRequest":{"Item":},'.length + mapBytes(item);
}

function mapBytes(map: AttributeMap): number {
  let bytes = 2; // {}
  for (const [name, value] of Object.entries(map)) bytes += stringBytes(name) + 2 + valueBytes(value); // :,
  return bytes;
}

function valueBytes(value: AttributeValue): number {
  const envelope = 8; // {"X":} or {"XX":}
  if (value.S !== undefined) return envelope + stringBytes(value.S);
  if (value.N !== undefined) return envelope + value.N.length + 2;
  if (value.B !== undefined) return envelope + base64Bytes(value.B);
  if (value.SS !== undefined) return envelope + listBytes(value.SS.map(stringBytes));
  if (value.NS !== undefined) return envelope + listBytes(value.NS.map((n) => n.length + 2));
  if (value.BS !== undefined) return envelope + listBytes(value.BS.map(base64Bytes));
  if (value.M !== undefined) return envelope + mapBytes(value.M);
  if (value.L !== undefined) return envelope + listBytes(value.L.map(valueBytes));
  return envelope + 5; // NULL, BOOL: true / false
}

function listBytes(sizes: number[]): number {
  return 2 + sizes.reduce((sum, size) => sum + size + 1, 0);
}

function stringBytes(text: string): number {
  // JSON.stringify gives the exact escaping; the SDK sends UTF-8.
  return Buffer.byteLength(JSON.stringify(text), 'utf8');
}

function base64Bytes(data: Uint8Array): number {
  return 4 * Math.ceil(data.byteLength / 3) + 2;
}
