import {
  DescribeContinuousBackupsCommand,
  DescribeExportCommand,
  ExportTableToPointInTimeCommand,
  UpdateContinuousBackupsCommand,
  waitUntilExportCompleted,
  type DescribeExportCommandOutput,
  type DynamoDBClient,
  type ExportDescription,
} from '@aws-sdk/client-dynamodb';
import { isNotFound, VerdictError } from '../errors/index.js';
import { observing, waiterConfig } from './wait-for.js';

/*
 * Step 4.2's export of a table to S3 (ExportTableToPointInTime), awaited with the SDK's
 * waitUntilExportCompleted, instead of the guide's fire-and-forget. An export needs point-in-time
 * recovery on the table (aws.md §9); the export's ClientToken makes a re-run of one attempt find the
 * export the first try started instead of starting a second.
 */

export interface TableExportOptions {
  tableArn: string;
  tableName: string;
  bucket: string;
  prefix: string;
  /** Same token, same export: derived from the run so that a re-run adopts it. */
  clientToken: string;
  maxWaitSeconds: number;
  log: (line: string) => void;
  minDelaySeconds?: number;
  maxDelaySeconds?: number;
}

export interface TableExportResult {
  arn: string;
  status: string;
  itemCount?: number;
  billedSizeBytes?: number;
  bucket: string;
  prefix: string;
  manifest?: string;
  exportTime?: Date;
}

/** Whether point-in-time recovery is on, so that the table can be exported. */
export async function pointInTimeRecoveryEnabled(dynamodb: DynamoDBClient, table: string): Promise<boolean> {
  const out = await dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: table }));
  return (
    out.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus === 'ENABLED'
  );
}

export async function enablePointInTimeRecovery(dynamodb: DynamoDBClient, table: string): Promise<void> {
  await dynamodb.send(
    new UpdateContinuousBackupsCommand({
      TableName: table,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    }),
  );
}

/** The command a person runs to turn point-in-time recovery on: the exact fix a refusal names. */
export function pointInTimeRecoveryFix(table: string, region: string): string {
  return (
    `aws dynamodb update-continuous-backups --table-name ${table} --region ${region} ` +
    `--point-in-time-recovery-specification PointInTimeRecoveryEnabled=true`
  );
}

export async function exportTable(
  dynamodb: DynamoDBClient,
  options: TableExportOptions,
): Promise<TableExportResult> {
  const { log } = options;
  const region = await dynamodb.config.region();
  const what = `Export of ${options.tableName} (${region}) to s3://${options.bucket}/${options.prefix}`;
  const started = await dynamodb.send(
    new ExportTableToPointInTimeCommand({
      TableArn: options.tableArn,
      S3Bucket: options.bucket,
      S3Prefix: options.prefix,
      ExportFormat: 'DYNAMODB_JSON',
      ClientToken: options.clientToken,
    }),
  );
  const arn = started.ExportDescription?.ExportArn;
  if (!arn) throw new Error(`${what}: ExportTableToPointInTime returned no ExportArn.`);
  log(`${what} requested: ${arn}, ${started.ExportDescription?.ExportStatus ?? 'status unknown'}.`);
  let last: ExportDescription | undefined = started.ExportDescription;
  const observe = (out: DescribeExportCommandOutput) => {
    const before = last?.ExportStatus;
    last = out.ExportDescription ?? last;
    if (last?.ExportStatus !== before) log(`${what}: ${last?.ExportStatus ?? 'status unknown'}.`);
  };
  try {
    await waitUntilExportCompleted(
      waiterConfig(observing(dynamodb, observe), options, { minDelaySeconds: 5, maxDelaySeconds: 60 }),
      { ExportArn: arn },
    );
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') {
      throw new VerdictError(
        `${what} is not COMPLETED after ${options.maxWaitSeconds} s (${last?.ExportStatus ?? 'unknown'}). ` +
          `DynamoDB may still finish it: re-run this job's attempt to wait for the same export.`,
      );
    }
    const reason = last?.FailureCode
      ? `${last.FailureCode}: ${last.FailureMessage ?? ''}`
      : 'no reason given';
    throw new VerdictError(
      `${what} ended ${last?.ExportStatus ?? 'unknown'}, not COMPLETED (${reason}): v1's table has no final ` +
        `archive, so nothing of v1 was deleted. Fix the cause (the bucket, its policy) and run the cleanup again.`,
    );
  }
  return toResult(last, options.bucket, options.prefix, arn);
}

/** An export as DynamoDB describes it now; undefined when it does not exist. */
export async function describeExport(
  dynamodb: DynamoDBClient,
  arn: string,
  bucket: string,
  prefix: string,
): Promise<TableExportResult | undefined> {
  try {
    const out = await dynamodb.send(new DescribeExportCommand({ ExportArn: arn }));
    return toResult(out.ExportDescription, bucket, prefix, arn);
  } catch (error) {
    if (isNotFound(error) || (error instanceof Error && error.name === 'ExportNotFoundException'))
      return undefined;
    throw error;
  }
}

function toResult(
  description: ExportDescription | undefined,
  bucket: string,
  prefix: string,
  arn: string,
): TableExportResult {
  return {
    arn,
    status: description?.ExportStatus ?? 'unknown',
    ...(description?.ItemCount !== undefined ? { itemCount: description.ItemCount } : {}),
    ...(description?.BilledSizeBytes !== undefined ? { billedSizeBytes: description.BilledSizeBytes } : {}),
    bucket: description?.S3Bucket ?? bucket,
    prefix: description?.S3Prefix ?? prefix,
    ...(description?.ExportManifest ? { manifest: description.ExportManifest } : {}),
    ...(description?.ExportTime ? { exportTime: description.ExportTime } : {}),
  };
}
