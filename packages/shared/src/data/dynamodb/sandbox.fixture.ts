import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  paginateScan,
  type DynamoDBClientConfig,
} from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import { sandboxClient, type Sandbox } from '@dbmig/sandbox';
import type { AttributeMap } from './attribute-json.js';

/*
 * Test helpers for the DynamoDB copy and parity tests: real SDK clients that reach a running sandbox the
 * way an action's do, tables in its dynalite, and items of every attribute type.
 */

/** One attempt per call unless `options` say otherwise: a test decides where retries may happen. */
export function sandboxDynamoDb(
  sandbox: Sandbox,
  region: string,
  options: Partial<DynamoDBClientConfig> = {},
): DynamoDBClient {
  return sandboxClient(DynamoDBClient, sandbox, region, options);
}

export function sandboxSsm(sandbox: Sandbox, region: string): SSMClient {
  return sandboxClient(SSMClient, sandbox, region);
}

/** A session table as the guide's: string hash key `pk`, or `pk` + numeric range key `sk`. */
export async function createTable(client: DynamoDBClient, name: string, range = false): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        ...(range ? [{ AttributeName: 'sk', AttributeType: 'N' as const }] : []),
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        ...(range ? [{ AttributeName: 'sk', KeyType: 'RANGE' as const }] : []),
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

const bytes = (...values: number[]) => new Uint8Array(values);

/**
 * Item `i` with every attribute type: numbers of 38 significant digits (integer, decimal, negative, tiny),
 * binary with 0x00 and 0xff, the three sets, a nested map, a list of mixed types, NULL and BOOL.
 */
export function mixedItem(i: number): AttributeMap {
  const digit = String(i % 10);
  return {
    pk: { S: `session-${String(i).padStart(6, '0')}` },
    big: { N: `9999999999999999999999999999999999999${digit}` },
    decimal: { N: `1.234567890123456789012345678901234567${digit}` },
    negative: { N: `-0.00000000000000000000000000000000000000${digit}1` },
    huge: { N: '9.9999999999999999999999999999999999999E+125' },
    data: { B: bytes(0, 255, i % 256, (i >> 8) % 256, 0) },
    tags: { SS: [`tag-${i % 7}`, 'alpha', 'zulu'] },
    scores: { NS: ['10', '-3.5', `${i}.25`, '12345678901234567890123456789012345678'] },
    blobs: { BS: [bytes(1, 2, 3), bytes(i % 256), bytes(255, 0)] },
    profile: {
      M: {
        name: { S: `user ${i} — ünïcødé ✓` },
        address: { M: { city: { S: 'Zürich' }, zip: { N: '8001' }, lines: { L: [{ S: 'a' }, { S: 'b' }] } } },
        empty: { M: {} },
      },
    },
    history: {
      L: [
        { S: '1' },
        { N: '1' },
        { NULL: true },
        { BOOL: false },
        { M: { at: { N: String(i) } } },
        { L: [] },
      ],
    },
    nothing: { NULL: true },
    active: { BOOL: i % 2 === 0 },
    ...(i % 50 === 0 ? { payload: { S: 'x'.repeat(20_000) } } : {}),
  };
}

/** Writes items straight into a table (25 per call, a few calls at a time), without faults. */
export async function seed(client: DynamoDBClient, table: string, items: AttributeMap[]): Promise<void> {
  const batches: AttributeMap[][] = [];
  for (let at = 0; at < items.length; at += 25) batches.push(items.slice(at, at + 25));
  for (let at = 0; at < batches.length; at += 8) {
    await Promise.all(
      batches.slice(at, at + 8).map(async (batch) => {
        const { UnprocessedItems } = await client.send(
          new BatchWriteItemCommand({
            RequestItems: { [table]: batch.map((Item) => ({ PutRequest: { Item } })) },
          }),
        );
        if (Object.keys(UnprocessedItems ?? {}).length > 0) throw new Error('seed: unprocessed items');
      }),
    );
  }
}

/** Every item of a table, in key order, exactly as the low-level client returns them. */
export async function readAll(client: DynamoDBClient, table: string): Promise<AttributeMap[]> {
  const items: AttributeMap[] = [];
  for await (const page of paginateScan({ client }, { TableName: table, ConsistentRead: true })) {
    items.push(...(page.Items ?? []));
  }
  return items.sort((a, b) => keyText(a).localeCompare(keyText(b)));
}

function keyText(item: AttributeMap): string {
  return `${item['pk']?.S ?? ''}|${item['sk']?.N ?? ''}`;
}
