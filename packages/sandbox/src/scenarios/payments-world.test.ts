import { DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { startLab, type Lab } from '../lab.js';
import type { PostgresServer } from '../postgres/index.js';
import { sandboxClient } from '../test-support.js';
import { DEFAULT_PAYMENT_ROWS, PAYMENT_TABLES, paymentTableSizes } from './payments-data.js';
import { DEFAULT_SESSION_ITEMS, sessionItem } from './sessions-data.js';

let lab: Lab;
let dynamodb: DynamoDBClient;

beforeAll(async () => {
  lab = await startLab({ scenario: 'payments-world' });
  dynamodb = sandboxClient(DynamoDBClient, lab.sandbox, lab.config.regions.primary, { maxAttempts: 3 });
}, 120_000);

afterAll(async () => {
  dynamodb?.destroy();
  await lab?.stop();
});

async function rowCounts(server: PostgresServer): Promise<Record<string, number>> {
  return server.session(async (client) => {
    const { rows } = await client.query<{ t: string }>(
      `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
    );
    const counts: Record<string, number> = {};
    for (const { t } of rows) {
      const result = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${client.escapeIdentifier(t)}`,
      );
      counts[t] = Number(result.rows[0]!.n);
    }
    return counts;
  });
}

async function itemCount(table: string): Promise<number> {
  let count = 0;
  let start: Record<string, never> | undefined;
  do {
    const page = await dynamodb.send(
      new ScanCommand({ TableName: table, Select: 'COUNT', ExclusiveStartKey: start }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  return count;
}

describe('payments-world', () => {
  test('v1 holds the payments data and the sessions, v2 is empty', async () => {
    const { v1, v2 } = lab.databases;
    const sizes = paymentTableSizes(DEFAULT_PAYMENT_ROWS);
    expect(await rowCounts(v1)).toEqual(Object.fromEntries(PAYMENT_TABLES.map((t) => [t, sizes[t]])));
    expect(await rowCounts(v2)).toEqual({});
    expect(await itemCount(lab.config.v1.table)).toBe(DEFAULT_SESSION_ITEMS);
    expect(await itemCount(lab.config.v2.table)).toBe(0);
  });

  test('a second load starts afresh: whatever a copy left on v2 is gone, v1 is as seeded', async () => {
    const { v1, v2 } = lab.databases;
    await v2.session((client) => client.query('CREATE TABLE payments (id bigint PRIMARY KEY)'));
    await dynamodb.send(new PutItemCommand({ TableName: lab.config.v2.table, Item: sessionItem(0) }));
    await dynamodb.send(
      new PutItemCommand({ TableName: lab.config.v1.table, Item: { session_id: { S: 'stray' } } }),
    );
    await lab.load('payments-world');
    expect(await rowCounts(v2)).toEqual({});
    expect(await itemCount(lab.config.v2.table)).toBe(0);
    expect(await itemCount(lab.config.v1.table)).toBe(DEFAULT_SESSION_ITEMS);
    expect((await rowCounts(v1)).payments).toBe(DEFAULT_PAYMENT_ROWS);
  }, 60_000);

  test('the guide world keeps its own contents after it', async () => {
    await lab.load('guide-world');
    expect(await rowCounts(lab.databases.v1)).toEqual({ payments: 1000 });
    expect(await rowCounts(lab.databases.v2)).toEqual({});
  }, 60_000);
});
