import { setTimeout as sleep } from 'node:timers/promises';
import { BatchGetItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import type { AttributeMap } from '../../data/dynamodb/attribute-json.js';
import { describeKey } from '../../data/dynamodb/attribute-json.js';
import { DEFAULT_BACKOFF, fullJitterDelay } from '../../data/dynamodb/backoff.js';
import { writeRequests } from '../../data/dynamodb/batch-writer.js';
import { canonicalItem } from '../../data/dynamodb/canonical.js';
import { describeAwsError } from '../../errors/index.js';
import type { KeyChange } from './pending.js';

/** BatchWriteItem's and BatchGetItem's limits. */
const WRITES_PER_BATCH = 25;
const READS_PER_BATCH = 100;
/** Batches in flight: a catch-up's burst is small beside the copy's. */
const IN_FLIGHT = 8;
const UNPROCESSED_TIMEOUT_MS = 5 * 60_000;

export interface ApplyOptions {
  dynamodb: DynamoDBClient;
  table: string;
  /**
   * After the switch the application writes v2 too: each key's item on v2 is read first, and a key
   * whose item is neither what v1 had before its change nor what v1 made of it was written on both sides.
   */
  detectConflicts: boolean;
}

/** A key written on v2 by someone else while v1's change to it was on its way. */
export interface KeyConflict {
  key: string;
}

/**
 * Gives v2 each key's last image (a put of the whole item, or a delete), 25 keys a BatchWriteItem and a
 * few in flight. One request per key, so the order of a key's changes is kept by construction. With
 * `detectConflicts`, the keys v2 changed on its own are named; v1's change is still applied, as
 * PostgreSQL's apply does: the application's write on v1 was acknowledged too.
 */
export async function applyChanges(
  options: ApplyOptions,
  changes: readonly KeyChange[],
): Promise<KeyConflict[]> {
  const conflicts = options.detectConflicts ? await findConflicts(options, changes) : [];
  const requests: WriteRequest[] = changes.map((change) =>
    change.item ? { PutRequest: { Item: change.item } } : { DeleteRequest: { Key: change.keys } },
  );
  const batches: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += WRITES_PER_BATCH)
    batches.push(requests.slice(i, i + WRITES_PER_BATCH));
  let next = 0;
  const lane = async () => {
    // A signal per lane: the SDK adds a listener to it for every call in flight.
    const writer = {
      client: options.dynamodb,
      table: options.table,
      unprocessedTimeoutMs: UNPROCESSED_TIMEOUT_MS,
      backoff: DEFAULT_BACKOFF,
      signal: new AbortController().signal,
    };
    while (next < batches.length) await writeRequests(writer, batches[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, batches.length) }, lane));
  return conflicts;
}

async function findConflicts(options: ApplyOptions, changes: readonly KeyChange[]): Promise<KeyConflict[]> {
  const current = await readItems(
    options,
    changes.map((c) => c.keys),
  );
  const conflicts: KeyConflict[] = [];
  for (const change of changes) {
    const now = current.get(canonicalItem(change.keys));
    const same = (a: AttributeMap | undefined, b: AttributeMap | undefined) =>
      (a === undefined) === (b === undefined) && (a === undefined || canonicalItem(a) === canonicalItem(b!));
    if (!same(now, change.before) && !same(now, change.item))
      conflicts.push({ key: describeKey(change.keys) });
  }
  return conflicts;
}

/** v2's items for the keys (consistent reads), by the key's canonical text. */
async function readItems(
  options: ApplyOptions,
  keys: readonly AttributeMap[],
): Promise<Map<string, AttributeMap>> {
  const found = new Map<string, AttributeMap>();
  const keyNames = keys[0] ? Object.keys(keys[0]) : [];
  for (let i = 0; i < keys.length; i += READS_PER_BATCH) {
    let pending: AttributeMap[] = keys.slice(i, i + READS_PER_BATCH);
    let attempt = 0;
    while (pending.length > 0) {
      if (attempt > 0) await sleep(fullJitterDelay(attempt - 1, DEFAULT_BACKOFF));
      attempt++;
      let out;
      try {
        out = await options.dynamodb.send(
          new BatchGetItemCommand({
            RequestItems: { [options.table]: { Keys: pending, ConsistentRead: true } },
          }),
        );
      } catch (error) {
        throw new Error(
          describeAwsError(error, { operation: 'dynamodb:BatchGetItem', resource: options.table }),
          { cause: error },
        );
      }
      for (const item of out.Responses?.[options.table] ?? []) {
        const key = Object.fromEntries(keyNames.map((name) => [name, item[name]!]));
        found.set(canonicalItem(key), item);
      }
      // UnprocessedKeys come back under throttling; the SDK has already backed off once.
      pending = (out.UnprocessedKeys?.[options.table]?.Keys ?? []) as AttributeMap[];
    }
  }
  return found;
}
