import { paginateScan } from '@aws-sdk/client-dynamodb';
import { describeTable } from '../../resources/dynamodb-table.js';
import { describeKey, type AttributeMap } from './attribute-json.js';
import { canonicalItem, digestOf, keyOf } from './canonical.js';
import type { TableRef } from './copy-table.js';

export interface CompareTablesOptions {
  v1: TableRef;
  v2: TableRef;
  /** Parallel Scan segments per table (both tables are scanned at once). Default 8. */
  segments?: number;
  /** Most differing keys listed. Default 20. */
  maxDifferencesListed?: number;
  /** Items per Scan page (`Limit`); 1 MB pages when absent. */
  pageSize?: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /**
   * While v1's stream is being carried to v2: asked once the tables were read, the keys (canonical
   * text) v1 changed since v2 was caught up, which the stream carries next. A difference on such a key
   * is in flight, not lost, and is counted apart. Every differing bucket is then read again (at most
   * MAX_IN_FLIGHT_BUCKETS), since an excused key must not hide another in its bucket.
   */
  inFlight?: () => Promise<Set<string>>;
}

export type DifferenceKind = 'missing-on-v2' | 'extra-on-v2' | 'changed';

export interface TableDifference {
  key: AttributeMap;
  /** The key as a person reads it: `pk=S:"user-1", sk=N:42`. */
  keyText: string;
  kind: DifferenceKind;
}

export interface ParityResult {
  v1Items: number;
  v2Items: number;
  equal: boolean;
  /** Sum of the items' SHA-256 digests mod 2^256, hex: equal tables have equal digests. */
  v1Digest: string;
  v2Digest: string;
  /** Up to `maxDifferencesListed` differing keys, in key order. */
  differences: TableDifference[];
  /** True when there are differences beyond those listed. */
  moreDifferences: boolean;
  /** Differences on keys v1 changed during the comparison (`inFlight`), not counted against equality. */
  inFlight?: number;
  seconds: number;
}

/**
 * Keys are hashed into this many buckets; each keeps a count and a digest sum per table. Equal tables
 * have every bucket equal; a difference shows which buckets hold differing keys, and only those are read
 * again to name the keys.
 */
const BUCKETS = 4096;
/** Differing buckets read again to excuse keys in flight; beyond this, differences are reported as usual. */
const MAX_IN_FLIGHT_BUCKETS = 512;
const MOD = 1n << 256n;

/**
 * Parity of two DynamoDB tables by content: item counts by Scan (never DescribeTable's ItemCount, which
 * lags by hours) and an order-independent digest of the raw items (canonical where DynamoDB is unordered,
 * exact elsewhere: canonical.ts), each table read with consistent parallel Scan segments.
 *
 * The digest of a table is the sum mod 2^256 of its items' SHA-256 digests, kept per key bucket: a sum,
 * not an XOR, so that even a repeated digest would count (keys are unique in a table anyway).
 * On a difference, a second pass reads both tables again and keeps, for at most `maxDifferencesListed`
 * differing buckets, each item's key and digest. Memory: 2 × 4096 bucket sums in the first pass; in the
 * second about 2 × maxDifferencesListed × (items / 4096) keys (20 listed over 10 million items: ~100,000).
 */
export async function compareTables(options: CompareTablesOptions): Promise<ParityResult> {
  const started = performance.now();
  const segments = options.segments ?? 8;
  const maxListed = options.maxDifferencesListed ?? 20;
  if (!Number.isInteger(segments) || segments < 1 || segments > 1000) {
    throw new RangeError(`compareTables: segments must be a whole number from 1 to 1000, got ${segments}`);
  }
  const keyNames = await sharedKeyNames(options.v1, options.v2);
  const scan = { keyNames, segments, pageSize: options.pageSize, signal: options.signal };

  const [v1, v2] = await Promise.all([digestTable(options.v1, scan), digestTable(options.v2, scan)]);
  const differing: number[] = [];
  for (let bucket = 0; bucket < BUCKETS; bucket++) {
    if (v1.counts[bucket] !== v2.counts[bucket] || v1.sums[bucket]! % MOD !== v2.sums[bucket]! % MOD) {
      differing.push(bucket);
    }
  }
  const equal = differing.length === 0;
  options.log?.(
    `Parity ${options.v1.table} (${v1.items} items) vs ${options.v2.table} (${v2.items} items): ` +
      (equal ? 'equal' : `${differing.length} key buckets differ, listing up to ${maxListed} keys`),
  );

  let differences: TableDifference[] = [];
  let moreDifferences = false;
  if (!equal && options.inFlight && differing.length <= MAX_IN_FLIGHT_BUCKETS) {
    const chosen = new Set(differing);
    const [left, right] = await Promise.all([
      collectBuckets(options.v1, scan, chosen),
      collectBuckets(options.v2, scan, chosen),
    ]);
    const moving = await options.inFlight();
    const all = diff(left, right);
    const real = all.filter((d) => !moving.has(canonicalItem(d.key)));
    options.log?.(
      `Parity: ${all.length - real.length} of ${all.length} differing keys were changed on v1 during the comparison (in flight on its stream)`,
    );
    return {
      v1Items: v1.items,
      v2Items: v2.items,
      equal: real.length === 0,
      v1Digest: hex(v1.sums),
      v2Digest: hex(v2.sums),
      differences: real.slice(0, maxListed),
      moreDifferences: real.length > maxListed,
      inFlight: all.length - real.length,
      seconds: (performance.now() - started) / 1000,
    };
  }
  if (!equal && maxListed > 0) {
    const chosen = new Set(differing.slice(0, maxListed));
    const [left, right] = await Promise.all([
      collectBuckets(options.v1, scan, chosen),
      collectBuckets(options.v2, scan, chosen),
    ]);
    differences = diff(left, right);
    moreDifferences = differing.length > chosen.size || differences.length > maxListed;
    differences = differences.slice(0, maxListed);
  } else if (!equal) {
    moreDifferences = true;
  }
  return {
    v1Items: v1.items,
    v2Items: v2.items,
    equal,
    v1Digest: hex(v1.sums),
    v2Digest: hex(v2.sums),
    differences,
    moreDifferences,
    seconds: (performance.now() - started) / 1000,
  };
}

interface ScanSettings {
  keyNames: string[];
  segments: number;
  pageSize: number | undefined;
  signal: AbortSignal | undefined;
}

interface TableDigest {
  items: number;
  counts: Uint32Array;
  sums: bigint[];
}

/** The key attribute names both tables share (hash first); parity by key needs the same key schema. */
async function sharedKeyNames(v1: TableRef, v2: TableRef): Promise<string[]> {
  const [left, right] = await Promise.all([keySchemaOf(v1), keySchemaOf(v2)]);
  if (left.join() !== right.join()) {
    throw new Error(
      `${v1.table} has the key (${left.join(', ')}) and ${v2.table} the key (${right.join(', ')}): items can only ` +
        `be compared by key when both tables have the same key schema. Create ${v2.table} with the key of ${v1.table}.`,
    );
  }
  return left;
}

async function keySchemaOf(ref: TableRef): Promise<string[]> {
  const table = await describeTable(ref.client, ref.table);
  if (!table) {
    throw new Error(
      `The DynamoDB table ${ref.table} was not found: check its name and region, and that it was created.`,
    );
  }
  const schema = table.KeySchema ?? [];
  const hash = schema.filter((k) => k.KeyType === 'HASH').map((k) => k.AttributeName ?? '');
  const range = schema.filter((k) => k.KeyType === 'RANGE').map((k) => k.AttributeName ?? '');
  return [...hash, ...range];
}

/** Calls `visit` with every item of the table, its segments read in parallel. */
async function scanAll(
  ref: TableRef,
  scan: ScanSettings,
  visit: (item: AttributeMap) => void,
): Promise<void> {
  await Promise.all(
    Array.from({ length: scan.segments }, async (_, segment) => {
      const pages = paginateScan(
        { client: ref.client, ...(scan.pageSize ? { pageSize: scan.pageSize } : {}) },
        { TableName: ref.table, Segment: segment, TotalSegments: scan.segments, ConsistentRead: true },
        scan.signal ? { abortSignal: scan.signal } : {},
      );
      for await (const page of pages) for (const item of page.Items ?? []) visit(item);
    }),
  );
}

function bucketOf(key: AttributeMap): number {
  // The top 12 bits of the key's digest: keys spread evenly whatever their form.
  return Number(digestOf(key) >> 244n);
}

async function digestTable(ref: TableRef, scan: ScanSettings): Promise<TableDigest> {
  const digest: TableDigest = {
    items: 0,
    counts: new Uint32Array(BUCKETS),
    sums: Array<bigint>(BUCKETS).fill(0n),
  };
  await scanAll(ref, scan, (item) => {
    const bucket = bucketOf(keyOf(item, scan.keyNames));
    digest.items++;
    digest.counts[bucket]!++;
    digest.sums[bucket]! += digestOf(item);
  });
  return digest;
}

interface KeyedDigest {
  key: AttributeMap;
  digest: bigint;
}

/** key text → item digest, for the items whose key falls in `buckets`. */
async function collectBuckets(
  ref: TableRef,
  scan: ScanSettings,
  buckets: Set<number>,
): Promise<Map<string, KeyedDigest>> {
  const found = new Map<string, KeyedDigest>();
  await scanAll(ref, scan, (item) => {
    const key = keyOf(item, scan.keyNames);
    if (!buckets.has(bucketOf(key))) return;
    found.set(canonicalItem(key), { key, digest: digestOf(item) });
  });
  return found;
}

function diff(v1: Map<string, KeyedDigest>, v2: Map<string, KeyedDigest>): TableDifference[] {
  const differences: Array<TableDifference & { order: string }> = [];
  const add = (order: string, key: AttributeMap, kind: DifferenceKind) =>
    differences.push({ order, key, keyText: describeKey(key), kind });
  for (const [text, left] of v1) {
    const right = v2.get(text);
    if (!right) add(text, left.key, 'missing-on-v2');
    else if (right.digest !== left.digest) add(text, left.key, 'changed');
  }
  for (const [text, right] of v2) if (!v1.has(text)) add(text, right.key, 'extra-on-v2');
  differences.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
  return differences.map(({ key, keyText, kind }) => ({ key, keyText, kind }));
}

function hex(sums: bigint[]): string {
  const total = sums.reduce((sum, value) => sum + value, 0n) % MOD;
  return total.toString(16).padStart(64, '0');
}
