import {
  DeleteItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { SESSION_KEY, type SessionAttributes, type SessionOp } from './acknowledged-sessions.js';

/*
 * The application's writes to its sessions table, one instance's worth. Each instance touches only items
 * it put itself (keys `fleet-<instanceId>-<n>`), so that the final state of every key is decided by one
 * instance's log, whatever the others do at the same time.
 */

/** An item a write left, as the log keeps it. */
export interface SessionWritten {
  key: string;
  op: SessionOp;
  /** PutItem's item or UpdateItem's ALL_NEW; null after a delete. */
  item: SessionAttributes | null;
}

/** Items an instance keeps to update or delete later; older ones are left as they are. */
const KEEP_ITEMS = 500;
/** How long a session lives, from its last write. */
const SESSION_TTL_SECONDS = 3_600;
const DEVICES = ['web', 'ios', 'android'] as const;

// `data` is one of DynamoDB's reserved words; every attribute goes by a placeholder, so none is a surprise.
const NAMES = { '#key': SESSION_KEY, '#version': 'version', '#expires': 'expires_at', '#data': 'data' };

/** What one instance has written and may touch again. */
export class InstanceSessions {
  private readonly items: string[] = [];
  private written = 0;

  constructor(private readonly instanceId: string) {}

  /**
   * One write of the application's mix, chosen at random among those it has items for: a new session
   * (PutItem), a session touched again (UpdateItem: its version incremented, its expiry pushed back, its
   * device changed), a session ended (DeleteItem). Each is conditional on the item being there (or not,
   * for a put), so that an acknowledged write always changed the item. Returns what it left once the call
   * returned; throws the SDK's error otherwise.
   */
  async writeOne(client: DynamoDBClient, table: string): Promise<SessionWritten> {
    const pick = Math.random();
    const key = sample(this.items);
    if (key && pick < 0.35) return this.update(client, table, key);
    if (key && pick < 0.5) return this.remove(client, table, key);
    return this.put(client, table);
  }

  private async put(client: DynamoDBClient, table: string): Promise<SessionWritten> {
    const n = ++this.written;
    const key = `fleet-${this.instanceId}-${n}`;
    // Integers only among the numbers: DynamoDB gives them back as sent, so the log compares exactly.
    const item: SessionAttributes = {
      [SESSION_KEY]: { S: key },
      user_id: { S: `user-${this.instanceId}-${n % 50}` },
      version: { N: '1' },
      expires_at: { N: String(expiry()) },
      data: {
        M: {
          device: { S: sampleOf(DEVICES) },
          signed_in: { BOOL: true },
          cart: {
            L: [{ M: { sku: { S: `sku-${n % 97}` }, quantity: { N: String(1 + (n % 5)) } } }],
          },
          roles: { SS: ['reader', n % 2 === 0 ? 'buyer' : 'seller'] },
        },
      },
    };
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#key)',
        ExpressionAttributeNames: { '#key': SESSION_KEY },
      }),
    );
    keep(this.items, key);
    return { key, op: 'put', item };
  }

  private async update(client: DynamoDBClient, table: string, key: string): Promise<SessionWritten> {
    try {
      const { Attributes } = await client.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { [SESSION_KEY]: { S: key } },
          UpdateExpression:
            'SET #version = #version + :one, #expires = :expires, #data.#device = :device, #data.#seen = :seen',
          ConditionExpression: 'attribute_exists(#key)',
          ExpressionAttributeNames: { ...NAMES, '#device': 'device', '#seen': 'last_seen' },
          ExpressionAttributeValues: {
            ':one': { N: '1' },
            ':expires': { N: String(expiry()) },
            ':device': { S: sampleOf(DEVICES) },
            ':seen': { N: String(Date.now()) },
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      if (!Attributes) throw new Error(`UpdateItem of ${key} returned no attributes despite ALL_NEW`);
      return { key, op: 'update', item: Attributes };
    } catch (error) {
      // Gone (ConditionalCheckFailed) or in doubt: the instance never builds on that item again.
      if (!isDefiniteRefusal(error) || isConditionFailure(error)) forget(this.items, key);
      throw error;
    }
  }

  private async remove(client: DynamoDBClient, table: string, key: string): Promise<SessionWritten> {
    try {
      await client.send(
        new DeleteItemCommand({
          TableName: table,
          Key: { [SESSION_KEY]: { S: key } },
          ConditionExpression: 'attribute_exists(#key)',
          ExpressionAttributeNames: { '#key': SESSION_KEY },
        }),
      );
    } catch (error) {
      if (!isDefiniteRefusal(error) || isConditionFailure(error)) forget(this.items, key);
      throw error;
    }
    forget(this.items, key);
    return { key, op: 'delete', item: null };
  }
}

/**
 * Whether a failed call certainly wrote nothing: DynamoDB answered with a 4xx (throttled, no such table,
 * a condition that failed, a table being deleted). A 5xx or no answer at all leaves the write in doubt.
 */
export function isDefiniteRefusal(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata
    ?.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500;
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** An hour from now, in epoch seconds (a TTL attribute's unit). */
function expiry(): number {
  return Math.floor(Date.now() / 1000) + SESSION_TTL_SECONDS;
}

function sample(list: readonly string[]): string | undefined {
  return list.length === 0 ? undefined : list[Math.floor(Math.random() * list.length)];
}

function sampleOf<T>(list: readonly T[]): T {
  return list[Math.floor(Math.random() * list.length)]!;
}

function keep(list: string[], key: string): void {
  list.push(key);
  if (list.length > KEEP_ITEMS) list.shift();
}

function forget(list: string[], key: string): void {
  const index = list.indexOf(key);
  if (index >= 0) list.splice(index, 1);
}
