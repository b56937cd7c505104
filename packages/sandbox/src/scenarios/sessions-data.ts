import {
  BatchWriteItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';

/** Items in the sessions table unless told otherwise. */
export const DEFAULT_SESSION_ITEMS = 2_000;
const MAX_SESSION_ITEMS = 10_000_000;

/** DynamoDB's limit on the write requests of one BatchWriteItem (aws.md §9). */
const BATCH_SIZE = 25;
/** Batches in flight at once: enough to keep the sandbox busy without flooding two cores. */
const CONCURRENCY = 4;
/** Resends of one batch's UnprocessedItems before giving up. */
const MAX_RESENDS = 12;
const BACKOFF_BASE_MS = 20;
const BACKOFF_CAP_MS = 2_000;

export type SessionItem = Record<string, AttributeValue>;

export interface SeedSessionsOptions {
  items: number;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** 38 significant digits, DynamoDB's maximum, varying with `index`: 20 before the point, 18 after. */
function thirtyEightDigits(index: number): string {
  const whole = `1${pad(index, 19)}`;
  const fraction = `${pad((index * 7919) % 1_000_000_000, 9)}${pad((index * 104729) % 1_000_000_000, 9)}`;
  // A last digit of 0 would be dropped as a trailing zero, leaving 37 significant digits.
  return `${whole}.${fraction.slice(0, 17)}${1 + (index % 9)}`;
}

/** Deterministic bytes, with NUL and 0xff among them: binary that a text round trip would damage. */
function bytes(index: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let k = 0; k < length; k++) out[k] = (index * 31 + k * 17) % 256;
  out[0] = 0x00;
  if (length > 1) out[length - 1] = 0xff;
  return out;
}

/**
 * Item `index` of the sessions table: every DynamoDB attribute type (S, N, B, SS, NS, BS, M, L, NULL,
 * BOOL), numbers with 38 significant digits and with the smallest and largest exponents DynamoDB takes,
 * maps and lists nested in each other, empty strings, binaries, lists and maps. A function of `index`
 * only, so that a test can say what the table must hold.
 */
export function sessionItem(index: number): SessionItem {
  const i = index;
  const item: SessionItem = {
    session_id: { S: `session-${pad(i, 7)}` },
    user_id: { S: `user-${i % 997}` },
    created_at: { N: String(1_700_000_000 + i * 37) },
    balance: { N: (i % 2 === 0 ? '' : '-') + thirtyEightDigits(i) },
    tiny: { N: `${1 + (i % 9)}E-130` },
    huge: { N: i % 3 === 0 ? '9.9999999999999999999999999999999999999E+125' : `-${1 + (i % 9)}.5E+124` },
    token: { B: bytes(i, 16 + (i % 32)) },
    roles: { SS: ['reader', `tenant-${i % 5}`, i % 2 === 0 ? 'writer' : 'auditor'] },
    scores: { NS: ['1', '-0.5', thirtyEightDigits(i), `${1 + (i % 7)}E-100`] },
    keys: { BS: [bytes(i, 8), bytes(i + 1, 12)] },
    profile: {
      M: {
        name: { S: `Session user ${i}` },
        address: {
          M: {
            city: { S: ['Zürich', 'São Paulo', '東京', 'Austin'][i % 4]! },
            zip: { S: pad(i % 100_000, 5) },
            geo: { L: [{ N: `${(i % 180) - 90}.123456` }, { N: `${(i % 360) - 180}.654321` }] },
          },
        },
        prefs: { M: { dark: { BOOL: i % 3 === 0 }, langs: { SS: ['en', i % 2 === 0 ? 'fr' : 'de'] } } },
        empty: { M: {} },
      },
    },
    history: {
      L: [
        { S: `login ${i}` },
        { N: String(i) },
        { BOOL: false },
        { NULL: true },
        { M: { at: { N: String(1_700_000_000 + i) }, ip: { S: `10.0.${i % 256}.${(i * 7) % 256}` } } },
        { L: [{ S: 'nested' }, { L: [] }] },
        { B: bytes(i, 4) },
        { SS: ['a', 'b'] },
      ],
    },
    revoked_at: { NULL: true },
    active: { BOOL: i % 2 === 0 },
  };
  // Empty strings and binaries are valid outside keys; some items have them, some lack the attribute.
  if (i % 5 === 0) item['note'] = { S: '' };
  else if (i % 5 === 1) item['note'] = { S: `note with trailing space ${i} ` };
  if (i % 7 === 0) item['blob'] = { B: new Uint8Array(0) };
  return item;
}

/**
 * Puts `items` items ({@link sessionItem} 0 … items-1) into `table` with BatchWriteItem, raw
 * AttributeValues through the low-level client, resending UnprocessedItems with backoff and jitter
 * until none is left. Errors (throttling included) are retried as the client's retry strategy says.
 */
export async function seedSessions(
  dynamodb: DynamoDBClient,
  table: string,
  options: SeedSessionsOptions,
): Promise<void> {
  const { items } = options;
  if (!Number.isInteger(items) || items < 0 || items > MAX_SESSION_ITEMS) {
    throw new Error(`seedSessions: items must be an integer from 0 to ${MAX_SESSION_ITEMS} (got ${items})`);
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items) {
      const start = next;
      next = Math.min(items, start + BATCH_SIZE);
      const requests: WriteRequest[] = [];
      for (let i = start; i < next; i++) requests.push({ PutRequest: { Item: sessionItem(i) } });
      await writeBatch(dynamodb, table, requests);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, Math.ceil(items / BATCH_SIZE)) }, worker));
}

async function writeBatch(dynamodb: DynamoDBClient, table: string, requests: WriteRequest[]): Promise<void> {
  let pending = requests;
  for (let resend = 0; ; resend++) {
    const { UnprocessedItems } = await dynamodb.send(
      new BatchWriteItemCommand({ RequestItems: { [table]: pending } }),
    );
    pending = UnprocessedItems?.[table] ?? [];
    if (pending.length === 0) return;
    if (resend === MAX_RESENDS) {
      throw new Error(
        `seedSessions: DynamoDB table ${table} left ${pending.length} items unprocessed after ${MAX_RESENDS} ` +
          'resends; the table is throttled: retry later or raise its write capacity',
      );
    }
    // Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter").
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** resend);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
  }
}
