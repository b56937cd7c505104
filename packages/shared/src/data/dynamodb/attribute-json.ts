import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** An item or a key as the low-level client gives it: attribute name → typed value. */
export type AttributeMap = Record<string, AttributeValue>;

/**
 * An AttributeValue as plain JSON, the way DynamoDB's own wire format writes it: binary (B, BS) as base64
 * text, numbers as their strings, so that a key saved in a checkpoint (an SSM parameter) comes back
 * byte-identical. `JSON.stringify` of the SDK's value would turn a Uint8Array into `{"0":1,…}`.
 */
export type JsonAttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] }
  | { M: Record<string, JsonAttributeValue> }
  | { L: JsonAttributeValue[] }
  | { NULL: boolean }
  | { BOOL: boolean };

export type JsonAttributeMap = Record<string, JsonAttributeValue>;

export function toJsonMap(map: AttributeMap): JsonAttributeMap {
  return Object.fromEntries(Object.entries(map).map(([name, value]) => [name, toJson(value)]));
}

export function fromJsonMap(map: JsonAttributeMap): AttributeMap {
  return Object.fromEntries(Object.entries(map).map(([name, value]) => [name, fromJson(value)]));
}

function toJson(value: AttributeValue): JsonAttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.M !== undefined) return { M: toJsonMap(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toJson) };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  throw new TypeError(`an AttributeValue of an unknown type: ${Object.keys(value).join(', ') || '(empty)'}`);
}

function fromJson(value: JsonAttributeValue): AttributeValue {
  if ('S' in value) return { S: value.S };
  if ('N' in value) return { N: value.N };
  if ('B' in value) return { B: bytes(value.B) };
  if ('SS' in value) return { SS: [...value.SS] };
  if ('NS' in value) return { NS: [...value.NS] };
  if ('BS' in value) return { BS: value.BS.map(bytes) };
  if ('M' in value) return { M: fromJsonMap(value.M) };
  if ('L' in value) return { L: value.L.map(fromJson) };
  if ('NULL' in value) return { NULL: value.NULL };
  if ('BOOL' in value) return { BOOL: value.BOOL };
  throw new TypeError(`a JSON AttributeValue of an unknown type: ${JSON.stringify(value)}`);
}

function base64(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}

function bytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/**
 * A key as a person reads it in a message: `pk=S:"user-1", sk=N:42`, attributes in name order, binary
 * as base64. Keys are scalar (S, N, B), so this is short and unambiguous.
 */
export function describeKey(key: AttributeMap): string {
  return Object.keys(key)
    .sort()
    .map((name) => {
      const value = toJson(key[name]!);
      const [type, raw] = Object.entries(value)[0] as [string, unknown];
      return `${name}=${type}:${type === 'N' ? String(raw) : JSON.stringify(raw)}`;
    })
    .join(', ');
}
