import { createHash } from 'node:crypto';
import { AwsError } from '../../errors.js';
import { memberReaders } from '../../protocols/json-members.js';
import type { JsonHandler, RequestContext } from '../../protocols/types.js';
import { progressAt } from '../../world/progress.js';
import type { TableExport } from '../../world/types.js';
import type { DynaliteCall, ReadSourceTable } from './source-table.js';

/*
 * Exports to S3 (ExportTableToPointInTime, DescribeExport, ListExports), which dynalite lacks. An export
 * needs point-in-time recovery on its table (PointInTimeRecoveryUnavailableException otherwise, aws.md
 * §9); its status is read off the sandbox's clock, IN_PROGRESS then COMPLETED, or FAILED when its bucket
 * does not exist (S3NoSuchBucket, the FailureCode AWS reports) or the world marks the table's exports
 * as failing. When first seen COMPLETED its files are put in the bucket, in the layout AWS documents
 * (`<prefix>AWSDynamoDB/<exportId>/manifest-summary.json`, `manifest-files.json`, `data/`).
 * The same ClientToken with the same request returns the same export; with another request it is
 * refused (ImportConflictException's sibling for exports: IdempotentParameterMismatchException, as the
 * model's errors for this operation list it).
 */

const { requiredString, optionalString } = memberReaders(validation);

const FORMATS = new Set(['DYNAMODB_JSON', 'ION']);

export function exportOperations(
  readTable: ReadSourceTable,
  call: DynaliteCall,
): Record<string, JsonHandler> {
  return {
    ExportTableToPointInTime: async (ctx, input) => {
      const tableArn = requiredString(input, 'TableArn');
      const bucket = requiredString(input, 'S3Bucket');
      const prefix = optionalString(input, 'S3Prefix') ?? '';
      const format = optionalString(input, 'ExportFormat') ?? 'DYNAMODB_JSON';
      if (!FORMATS.has(format)) throw validation(`ExportFormat must be DYNAMODB_JSON or ION, not ${format}.`);
      const clientToken = optionalString(input, 'ClientToken') ?? '';
      const state = ctx.world.region(ctx.region);
      const same = [...state.tableExports.values()].find(
        (e) => clientToken !== '' && e.clientToken === clientToken,
      );
      if (same) {
        if (
          same.tableArn !== tableArn ||
          same.bucket !== bucket ||
          same.prefix !== prefix ||
          same.format !== format
        ) {
          throw new AwsError(
            'IdempotentParameterMismatchException',
            `ClientToken ${clientToken} was already used for a different export request.`,
          );
        }
        return { ExportDescription: describe(ctx, same) };
      }
      const name = tableName(tableArn, ctx.region);
      const table = await readTable(ctx, name);
      if (!table || table.arn !== tableArn)
        throw new AwsError('TableNotFoundException', `Table not found: ${tableArn}`);
      if (!state.pointInTimeRecoveryTables.has(table.name)) {
        throw new AwsError(
          'PointInTimeRecoveryUnavailableException',
          `Point in time recovery is not enabled for table '${table.name}'`,
        );
      }
      const now = ctx.now();
      const items = await countItems(ctx, call, table.name);
      const failure = !ctx.world.buckets.has(bucket)
        ? { code: 'S3NoSuchBucket', message: 'The specified bucket does not exist' }
        : state.failingExportTables.has(table.name)
          ? { code: 'UNKNOWN', message: 'Failed to export the table (a scenario of the sandbox)' }
          : undefined;
      const exported: TableExport = {
        arn: `${table.arn}/export/${exportId(now, clientToken)}`,
        region: ctx.region,
        tableArn: table.arn,
        tableId: table.id,
        bucket,
        prefix,
        format,
        clientToken,
        startedAt: now,
        exportTime: now,
        durationMs: ctx.world.tableTimings.exportMs,
        itemCount: items.count,
        billedSizeBytes: items.bytes,
        ...(failure ? { failure } : {}),
        written: false,
      };
      state.tableExports.set(exported.arn, exported);
      return { ExportDescription: describe(ctx, exported) };
    },

    DescribeExport: (ctx, input) => {
      const arn = requiredString(input, 'ExportArn');
      const exported = ctx.world.region(ctx.region).tableExports.get(arn);
      if (!exported) throw new AwsError('ExportNotFoundException', `Export not found: ${arn}`);
      return { ExportDescription: describe(ctx, exported) };
    },

    ListExports: (ctx, input) => {
      const tableArn = optionalString(input, 'TableArn');
      const exports = [...ctx.world.region(ctx.region).tableExports.values()].filter(
        (e) => tableArn === undefined || e.tableArn === tableArn,
      );
      return {
        ExportSummaries: exports.map((e) => ({
          ExportArn: e.arn,
          ExportStatus: status(e, ctx.now()),
          ExportType: 'FULL_EXPORT',
        })),
      };
    },
  };
}

function status(exported: TableExport, now: Date): 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' {
  if (!progressAt(exported.startedAt, exported.durationMs, now).finished) return 'IN_PROGRESS';
  return exported.failure ? 'FAILED' : 'COMPLETED';
}

function describe(ctx: RequestContext, exported: TableExport) {
  const now = ctx.now();
  const current = status(exported, now);
  const id = exported.arn.split('/').at(-1)!;
  const manifest = `${exported.prefix}AWSDynamoDB/${id}/manifest-summary.json`;
  if (current === 'COMPLETED' && !exported.written) writeFiles(ctx, exported, id, manifest);
  const ended =
    current !== 'IN_PROGRESS' ? new Date(exported.startedAt.getTime() + exported.durationMs) : undefined;
  return {
    ExportArn: exported.arn,
    ExportStatus: current,
    StartTime: exported.startedAt,
    ...(ended ? { EndTime: ended } : {}),
    ExportTime: exported.exportTime,
    TableArn: exported.tableArn,
    TableId: exported.tableId,
    S3Bucket: exported.bucket,
    S3Prefix: exported.prefix,
    S3SseAlgorithm: 'AES256',
    ExportFormat: exported.format,
    ExportType: 'FULL_EXPORT',
    ClientToken: exported.clientToken,
    ...(current === 'COMPLETED'
      ? { ExportManifest: manifest, ItemCount: exported.itemCount, BilledSizeBytes: exported.billedSizeBytes }
      : {}),
    ...(current === 'FAILED' && exported.failure
      ? { FailureCode: exported.failure.code, FailureMessage: exported.failure.message }
      : {}),
  };
}

/** The export's files in its bucket, once: the manifests and one data file (their content is a summary). */
function writeFiles(ctx: RequestContext, exported: TableExport, id: string, manifest: string): void {
  const bucket = ctx.world.buckets.get(exported.bucket);
  exported.written = true;
  if (!bucket) return;
  const at = ctx.now();
  const base = `${exported.prefix}AWSDynamoDB/${id}/`;
  const data = `${base}data/${createHash('sha256').update(id).digest('hex').slice(0, 26)}.json.gz`;
  const put = (key: string, body: string) => bucket.objects.set(key, { body, lastModified: at });
  put(`${base}_started`, '');
  put(data, '');
  put(`${base}manifest-files.json`, JSON.stringify({ itemCount: exported.itemCount, dataFileS3Key: data }));
  put(
    manifest,
    JSON.stringify({
      version: '2020-06-30',
      exportArn: exported.arn,
      tableArn: exported.tableArn,
      itemCount: exported.itemCount,
      billedSizeBytes: exported.billedSizeBytes,
      outputFormat: exported.format,
    }),
  );
}

/** Items and their approximate size, counted by scanning the table (dynalite's ItemCount is not kept up to date). */
async function countItems(
  ctx: RequestContext,
  call: DynaliteCall,
  table: string,
): Promise<{ count: number; bytes: number }> {
  let count = 0;
  let bytes = 0;
  let start: unknown;
  do {
    const { status: code, text } = await call(ctx, ctx.region, 'Scan', {
      TableName: table,
      ...(start ? { ExclusiveStartKey: start } : {}),
    });
    if (code !== 200) throw new Error(`sandbox: dynalite refused a Scan of ${table}: ${text}`);
    const page = JSON.parse(text) as { Items?: unknown[]; LastEvaluatedKey?: unknown };
    count += page.Items?.length ?? 0;
    bytes += Buffer.byteLength(JSON.stringify(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return { count, bytes };
}

/** `arn:aws:dynamodb:us-east-1:123456789012:table/session-table-dev` → its name, in the caller's Region. */
function tableName(arn: string, region: string): string {
  const match = /^arn:aws:dynamodb:([^:]+):\d{12}:table\/([A-Za-z0-9_.-]{3,255})$/.exec(arn);
  if (!match) throw validation(`TableArn is not a table ARN: ${arn}`);
  if (match[1] !== region) throw new AwsError('TableNotFoundException', `Table not found: ${arn}`);
  return match[2]!;
}

function exportId(now: Date, clientToken: string): string {
  return `${now.getTime()}-${createHash('sha256').update(`${clientToken}${Math.random()}`).digest('hex').slice(0, 8)}`;
}

function validation(message: string): AwsError {
  return new AwsError('ValidationException', message);
}
