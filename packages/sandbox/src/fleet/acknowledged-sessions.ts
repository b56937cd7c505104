import { BatchGetItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';

/*
 * What the fleet's session load was told was written to DynamoDB, and the check that a table still holds
 * it. The load logs a write only once its call returned 200: an application that got an error never told
 * its user the write happened, so only what the log holds may be missing after a migration.
 */

/** The sessions table's only key attribute (S), as the scenarios create the table. */
export const SESSION_KEY = 'session_id';

export type SessionOp = 'put' | 'update' | 'delete';

/** An item as DynamoDB's wire format gives it: compared exactly, attribute by attribute. */
export type SessionAttributes = Record<string, AttributeValue>;

/** One acknowledged write of one session item: the item's state once the call returned. */
export interface AcknowledgedSessionWrite {
  /** The write's number in the fleet's session log (numbered apart from the PostgreSQL transactions). */
  write: number;
  /** When the call returned. */
  at: Date;
  instanceId: string;
  group: string;
  /** The table the instance's parameters named, which it wrote to. */
  table: string;
  /** The Region whose table it wrote. */
  region: string;
  /** The item's `session_id`. */
  key: string;
  op: SessionOp;
  /** The item after the write (PutItem's item, UpdateItem's ALL_NEW); null after a delete. */
  item: SessionAttributes | null;
}

export interface AcknowledgedSessionWritesCheck {
  /** Keys checked: one per item the log names, at the state of its last acknowledged write. */
  checked: number;
  /** One line per key whose item is not the logged one (key, expected and found). */
  missing: string[];
}

/** BatchGetItem's limit on the keys of one request. */
const BATCH_KEYS = 100;
/** Rounds of UnprocessedKeys read again before giving up on a batch. */
const MAX_ROUNDS = 12;
const BACKOFF_BASE_MS = 20;
const BACKOFF_CAP_MS = 1_000;

/**
 * Reads `table` through `client` (v2, in its Region, at the end of a migration) and checks, for every key
 * the log names, the state of its LAST acknowledged write: a deleted item is absent, a put or updated item
 * is there exactly as logged. Every write given is checked against `table`, whatever table it was logged
 * on: that is how writes made to v1 are proven on v2. The writes are taken in the log's order; each key is
 * written by one instance only, one write at a time, so that order is the order its calls returned.
 * Reads are consistent, 100 keys a BatchGetItem, UnprocessedKeys asked again.
 */
export async function checkAcknowledgedSessionWrites(
  client: DynamoDBClient,
  table: string,
  writes: readonly AcknowledgedSessionWrite[],
): Promise<AcknowledgedSessionWritesCheck> {
  const last = new Map<string, AcknowledgedSessionWrite>();
  for (const write of writes) last.set(write.key, write);
  const keys = [...last.keys()];
  const found = new Map<string, SessionAttributes>();
  for (let i = 0; i < keys.length; i += BATCH_KEYS) {
    for (const item of await readBatch(client, table, keys.slice(i, i + BATCH_KEYS))) {
      const key = item[SESSION_KEY]?.S;
      if (key !== undefined) found.set(key, item);
    }
  }
  const missing: string[] = [];
  for (const [key, write] of last) {
    const problem = compare(write, found.get(key));
    if (problem) missing.push(`${SESSION_KEY} ${key}: ${problem}`);
  }
  return { checked: last.size, missing };
}

/** The items of `keys` that `table` holds, read consistently; keys left unprocessed are asked again. */
async function readBatch(
  client: DynamoDBClient,
  table: string,
  keys: string[],
): Promise<SessionAttributes[]> {
  const items: SessionAttributes[] = [];
  let pending: SessionAttributes[] = keys.map((key) => ({ [SESSION_KEY]: { S: key } }));
  for (let round = 0; pending.length > 0; round++) {
    if (round === MAX_ROUNDS) {
      throw new Error(
        `checkAcknowledgedSessionWrites: ${pending.length} keys of ${table} were still unprocessed after ${MAX_ROUNDS} BatchGetItem rounds`,
      );
    }
    if (round > 0) await sleep(Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** round));
    let output;
    try {
      output = await client.send(
        new BatchGetItemCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
      );
    } catch (error) {
      throw new Error(
        `checkAcknowledgedSessionWrites: could not read ${table}: ${error instanceof Error ? error.message || error.name : String(error)}`,
        { cause: error },
      );
    }
    items.push(...(output.Responses?.[table] ?? []));
    pending = output.UnprocessedKeys?.[table]?.Keys ?? [];
  }
  return items;
}

/** Why the item found is not the state `write` left, or undefined when it is. */
function compare(write: AcknowledgedSessionWrite, found: SessionAttributes | undefined): string | undefined {
  const by = `${write.op} by ${write.instanceId} on ${write.table} in ${write.region} at ${write.at.toISOString()}`;
  if (write.item === null) return found ? `expected no item (${by}), found ${describe(found)}` : undefined;
  if (!found) return `expected ${describe(write.item)} (${by}), found no item`;
  return sameSessionItem(found, write.item)
    ? undefined
    : `expected ${describe(write.item)} (${by}), found ${describe(found)}`;
}

/** An item as one line of JSON, attributes in name order (binary as base64). */
function describe(item: SessionAttributes): string {
  return canonical(item);
}

/** Whether two items are the same item: attribute order and the order of a set's members do not count. */
export function sameSessionItem(a: SessionAttributes, b: SessionAttributes): boolean {
  return canonical(a) === canonical(b);
}

const SETS = new Set(['SS', 'NS', 'BS']);

/**
 * Item equality as DynamoDB sees it: attribute order and the order of a set's members do not count;
 * every value, number strings included, is compared as the wire gives it.
 */
function canonical(value: unknown): string {
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([x], [y]) => (x < y ? -1 : 1));
  return `{${entries
    .map(([k, v]) => {
      const text = SETS.has(k) && Array.isArray(v) ? `[${v.map(canonical).sort().join(',')}]` : canonical(v);
      return `${JSON.stringify(k)}:${text}`;
    })
    .join(',')}}`;
}
