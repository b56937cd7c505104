import { DescribeTableCommand, type DynamoDBClient, type TableDescription } from '@aws-sdk/client-dynamodb';
import { isNotFound } from '../errors/index.js';

/** A table as its region sees it; `undefined` when it does not exist there. */
export async function describeTable(
  dynamodb: DynamoDBClient,
  name: string,
): Promise<TableDescription | undefined> {
  try {
    return (await dynamodb.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
