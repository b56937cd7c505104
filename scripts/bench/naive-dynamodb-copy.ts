/**
 * The copy a hurried script does, the benchmark's lower reference: one Scan page after another, and for
 * each item one PutItem, awaited before the next. Every item costs a full round trip to DynamoDB.
 */
import { PutItemCommand, paginateScan, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Copies the first `limit` items the Scan returns; resolves with how many it wrote. */
export async function naiveCopy(
  client: DynamoDBClient,
  source: string,
  target: string,
  limit: number,
): Promise<number> {
  let written = 0;
  for await (const page of paginateScan({ client }, { TableName: source })) {
    for (const Item of page.Items ?? []) {
      if (written === limit) return written;
      await client.send(new PutItemCommand({ TableName: target, Item }));
      written++;
    }
  }
  return written;
}
