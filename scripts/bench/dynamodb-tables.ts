/**
 * Tables and items of the DynamoDB copy benchmark: session tables keyed as the scenarios' are, created and
 * deleted with the SDK's waiters, and v1 seeded with concurrent BatchWriteItem calls.
 */
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  paginateScan,
  waitUntilTableExists,
  waitUntilTableNotExists,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { sessionItem } from '@dbmig/sandbox';

/** A sessions table as the scenarios make it: string hash key `session_id`, on demand. */
export async function createSessionTable(client: DynamoDBClient, table: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'session_id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'session_id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: table });
}

/** Drops a table a run wrote, so that the emulator's memory holds only what the next run needs. */
export async function deleteTable(client: DynamoDBClient, table: string): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: table }));
  await waitUntilTableNotExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: table });
}

/** Items 0 … n-1 of `sessionItem`, in batches of 25 put requests (BatchWriteItem's limit). */
export function sessionBatches(items: number): WriteRequest[][] {
  const batches: WriteRequest[][] = [];
  for (let at = 0; at < items; at += 25) {
    const size = Math.min(25, items - at);
    batches.push(Array.from({ length: size }, (_, k) => ({ PutRequest: { Item: sessionItem(at + k) } })));
  }
  return batches;
}

/**
 * Sends pre-built BatchWriteItem commands, `concurrency` at a time, and fails on any UnprocessedItems:
 * nothing is injected but latency, so one would mean the figures are of a copy that lost items.
 */
export async function sendBatches(
  client: DynamoDBClient,
  commands: readonly BatchWriteItemCommand[],
  concurrency: number,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < commands.length) {
      const command = commands[next++]!;
      const { UnprocessedItems } = await client.send(command);
      if (Object.keys(UnprocessedItems ?? {}).length > 0) {
        throw new Error(
          `BatchWriteItem left items unprocessed with no fault injected: the benchmark's figures would be wrong`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** One BatchWriteItem command per batch, built before the clock starts. */
export function batchCommands(table: string, batches: readonly WriteRequest[][]): BatchWriteItemCommand[] {
  return batches.map((batch) => new BatchWriteItemCommand({ RequestItems: { [table]: batch } }));
}

/**
 * Items seen by a consistent parallel Scan in `segments` segments, never DescribeTable's lagging ItemCount.
 * `ALL_ATTRIBUTES` reads the items as a copy does (pages read and dropped); `COUNT` only counts them.
 */
export async function parallelScanCount(
  client: DynamoDBClient,
  table: string,
  segments: number,
  select: 'ALL_ATTRIBUTES' | 'COUNT',
): Promise<number> {
  const counts = await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      let seen = 0;
      const pages = paginateScan(
        { client },
        { TableName: table, Segment: segment, TotalSegments: segments, ConsistentRead: true, Select: select },
      );
      for await (const page of pages) seen += page.Count ?? 0;
      return seen;
    }),
  );
  return counts.reduce((sum, n) => sum + n, 0);
}
