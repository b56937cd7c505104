import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describeAwsError } from '../../errors/index.js';
import { VerdictError } from '../../errors/index.js';

/** The v1 table's stream, as the catch-up reads it. */
export interface TableStream {
  table: string;
  region: string;
  streamArn: string;
  viewType: string;
  /** The table's key attributes: a record's key is found by them. */
  keyNames: string[];
}

/** The views whose records carry the item after the write, which is what v2 is given. */
const APPLICABLE_VIEWS = new Set(['NEW_AND_OLD_IMAGES', 'NEW_IMAGE']);

/**
 * Finds the table's current stream (DescribeTable's LatestStreamArn) and refuses, with the fix, a table
 * without one or whose records do not carry the new image: a KEYS_ONLY or OLD_IMAGE stream says which
 * item changed but not into what. A global table always has a NEW_AND_OLD_IMAGES stream.
 */
export async function tableStream(
  dynamodb: DynamoDBClient,
  table: string,
  region: string,
): Promise<TableStream> {
  let description;
  try {
    ({ Table: description } = await dynamodb.send(new DescribeTableCommand({ TableName: table })));
  } catch (error) {
    throw new Error(describeAwsError(error, { operation: 'dynamodb:DescribeTable', resource: table }), {
      cause: error,
    });
  }
  const spec = description?.StreamSpecification;
  const fix =
    `aws dynamodb update-table --region ${region} --table-name ${table} ` +
    '--stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES';
  if (!description?.LatestStreamArn || !spec?.StreamEnabled) {
    throw new VerdictError(
      `The v1 table ${table} in ${region} has no stream, so the writes made to it during the copy cannot reach v2: ` +
        `enable one (${fix}) and run again. Nothing was changed.`,
    );
  }
  const viewType = spec.StreamViewType ?? 'unknown';
  if (!APPLICABLE_VIEWS.has(viewType)) {
    throw new VerdictError(
      `The v1 table ${table}'s stream is ${viewType}: its records do not carry the item as written, so v2 cannot be given it. ` +
        `Switch it to NEW_AND_OLD_IMAGES (disable the stream, then ${fix}; a new stream ARN results) and run again. Nothing was changed.`,
    );
  }
  return {
    table,
    region,
    streamArn: description.LatestStreamArn,
    viewType,
    keyNames: (description.KeySchema ?? []).map((k) => k.AttributeName!),
  };
}
