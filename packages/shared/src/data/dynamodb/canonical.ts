import { createHash } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { AttributeMap } from './attribute-json.js';

/**
 * The canonical text of a DynamoDB number: plain decimal, no exponent, no leading zeros, no trailing
 * fractional zeros, no "+", "-0" as "0" ("1.50" → "1.5", "1e3" → "1000", "-0.0" → "0").
 *
 * Why normalise at all: DynamoDB stores a number's value, not its text, and answers with its own
 * normalised form (dynalite does the same, through big.js `toFixed`: it returned "1" for "1.0" and "1000"
 * for "1e3" when checked), so two tables holding the same value may only differ in how the value was
 * once written. All 38 significant digits are kept: this is text manipulation, never a float.
 * A text that is not a number DynamoDB would accept is returned unchanged (it compares exactly).
 */
export function canonicalNumber(text: string): string {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,6}))?$/.exec(text.trim());
  if (!match) return text;
  const [, sign, whole = '', fraction = '', exponentText] = match;
  if (whole === '' && fraction === '') return text;
  // value = digits × 10^exponent
  let digits = (whole + fraction).replace(/^0+/, '');
  let exponent = Number(exponentText ?? 0) - fraction.length;
  if (digits === '') return '0';
  const trailingZeros = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailingZeros);
  exponent += trailingZeros;
  // DynamoDB's range is 1E-130 … 9.99E+125; far beyond it is not a DynamoDB number: keep its text.
  if (Math.abs(exponent) > 400) return text;
  const negative = sign === '-' ? '-' : '';
  if (exponent >= 0) return negative + digits + '0'.repeat(exponent);
  const point = digits.length + exponent;
  if (point > 0) return `${negative}${digits.slice(0, point)}.${digits.slice(point)}`;
  return `${negative}0.${'0'.repeat(-point)}${digits}`;
}

/**
 * The canonical text of an item: equal for two items exactly when an application reading them sees the
 * same data. Canonical where DynamoDB itself is unordered — the members of SS, NS and BS are sorted (NS
 * by canonical number text: any fixed order works, numeric order is not needed) and the keys of a map
 * (and of the item) are sorted — and exact everywhere else: list order counts, types count ("1" as S is
 * not 1 as N, B is not S), strings compare by every code unit, binary by every byte.
 *
 * The form is self-delimiting (strings JSON-quoted, containers bracketed), so no two different items
 * share a text.
 */
export function canonicalItem(item: AttributeMap): string {
  return canonicalMap(item);
}

function canonicalMap(map: AttributeMap): string {
  const entries = Object.keys(map)
    .sort()
    .map((name) => `${JSON.stringify(name)}:${canonicalValue(map[name]!)}`);
  return `M{${entries.join(',')}}`;
}

function canonicalValue(value: AttributeValue): string {
  if (value.S !== undefined) return `S${JSON.stringify(value.S)}`;
  if (value.N !== undefined) return `N${canonicalNumber(value.N)}`;
  if (value.B !== undefined) return `B${base64(value.B)}`;
  if (value.SS !== undefined)
    return `SS[${value.SS.map((s) => JSON.stringify(s))
      .sort()
      .join(',')}]`;
  if (value.NS !== undefined) return `NS[${value.NS.map(canonicalNumber).sort().join(',')}]`;
  if (value.BS !== undefined) return `BS[${value.BS.map(base64).sort().join(',')}]`;
  if (value.M !== undefined) return canonicalMap(value.M);
  if (value.L !== undefined) return `L[${value.L.map(canonicalValue).join(',')}]`;
  if (value.NULL !== undefined) return `NULL${String(value.NULL)}`;
  if (value.BOOL !== undefined) return `BOOL${String(value.BOOL)}`;
  throw new TypeError(`an AttributeValue of an unknown type: ${Object.keys(value).join(', ') || '(empty)'}`);
}

function base64(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}

/** SHA-256 of the canonical text of an item (or a key), as a 256-bit number for order-independent sums. */
export function digestOf(map: AttributeMap): bigint {
  return BigInt(`0x${createHash('sha256').update(canonicalItem(map), 'utf8').digest('hex')}`);
}

/** The key attributes of an item, for tables whose key schema names `keyNames`. */
export function keyOf(item: AttributeMap, keyNames: readonly string[]): AttributeMap {
  const key: AttributeMap = {};
  for (const name of keyNames) {
    const value = item[name];
    if (value !== undefined) key[name] = value;
  }
  return key;
}
