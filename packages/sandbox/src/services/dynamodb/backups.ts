import { randomBytes } from 'node:crypto';
import { AwsError } from '../../errors.js';
import { memberReaders } from '../../protocols/json-members.js';
import type { JsonHandler, RequestContext } from '../../protocols/types.js';
import { progressAt } from '../../world/progress.js';
import type { TableBackup } from '../../world/types.js';
import type { ReadSourceTable } from './source-table.js';

/*
 * On-demand backups (CreateBackup, DescribeBackup, ListBackups) and the continuous-backups view
 * (DescribeContinuousBackups, UpdateContinuousBackups), which dynalite lacks: the sandbox keeps them
 * in the World beside dynalite's tables. A backup's status is read off the sandbox's clock: CREATING,
 * then AVAILABLE. DynamoDB has no FAILED status (BackupStatus is CREATING | DELETED | AVAILABLE), so a
 * backup of a table the world makes fail ends DELETED, as a backup DynamoDB could not complete does.
 *
 * Tags: TagResource takes table ARNs only (on-demand backups are tagged through AWS Backup, not
 * DynamoDB); a backup ARN goes to dynalite, which refuses it as DynamoDB does.
 */

const { requiredString, optionalString, optionalInteger, optionalNumber } = memberReaders(validation);

/** Names of tables and backups: 3 to 255 of these characters. */
const NAME = /^[a-zA-Z0-9_.-]+$/;

export function backupOperations(readTable: ReadSourceTable): Record<string, JsonHandler> {
  return {
    CreateBackup: async (ctx, input) => {
      const tableName = validName(requiredString(input, 'TableName'), 'tableName');
      const backupName = validName(requiredString(input, 'BackupName'), 'backupName');
      const table = await readTable(ctx, tableName);
      if (!table) throw tableNotFound(tableName);
      if (table.status !== 'ACTIVE') {
        throw new AwsError(
          'TableInUseException',
          `Table ${tableName} is ${table.status}; a backup needs an ACTIVE table.`,
        );
      }
      const state = ctx.world.region(ctx.region);
      const createdAt = ctx.now();
      const backup: TableBackup = {
        arn: `${table.arn}/backup/${backupId(createdAt)}`,
        name: backupName,
        region: ctx.region,
        tableName: table.name,
        tableArn: table.arn,
        tableId: table.id,
        sizeBytes: table.sizeBytes,
        itemCount: table.itemCount,
        keySchema: table.keySchema,
        tableCreatedAt: table.createdAt,
        billingMode: table.billingMode,
        createdAt,
        durationMs: ctx.world.backupTimings.tableBackupMs,
        fails: state.failingBackupTables.has(table.name),
      };
      state.tableBackups.set(backup.arn, backup);
      return { BackupDetails: backupDetails(backup, createdAt) };
    },

    DescribeBackup: (ctx, input) => {
      const arn = requiredString(input, 'BackupArn');
      const backup = ctx.world.region(ctx.region).tableBackups.get(arn);
      if (!backup) throw new AwsError('BackupNotFoundException', `Backup not found: ${arn}`);
      return {
        BackupDescription: {
          BackupDetails: backupDetails(backup, ctx.now()),
          SourceTableDetails: {
            TableName: backup.tableName,
            TableId: backup.tableId,
            TableArn: backup.tableArn,
            TableSizeBytes: backup.sizeBytes,
            KeySchema: backup.keySchema,
            TableCreationDateTime: backup.tableCreatedAt,
            ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
            ItemCount: backup.itemCount,
            BillingMode: backup.billingMode,
          },
          SourceTableFeatureDetails: {},
        },
      };
    },

    ListBackups: (ctx, input) => listBackups(ctx, input),

    DescribeContinuousBackups: async (ctx, input) => {
      const tableName = requiredString(input, 'TableName');
      const table = await readTable(ctx, tableName);
      if (!table) throw tableNotFound(tableName);
      const enabled = ctx.world.region(ctx.region).pointInTimeRecoveryTables.has(table.name);
      return { ContinuousBackupsDescription: continuousBackups(enabled, ctx.now()) };
    },

    UpdateContinuousBackups: async (ctx, input) => {
      const tableName = requiredString(input, 'TableName');
      const specification = input['PointInTimeRecoverySpecification'] as
        { PointInTimeRecoveryEnabled?: unknown } | undefined;
      const enabled = specification?.PointInTimeRecoveryEnabled;
      if (typeof enabled !== 'boolean') {
        throw validation('PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled must be a boolean.');
      }
      const table = await readTable(ctx, tableName);
      if (!table) throw tableNotFound(tableName);
      const tables = ctx.world.region(ctx.region).pointInTimeRecoveryTables;
      if (enabled) tables.add(table.name);
      else tables.delete(table.name);
      return { ContinuousBackupsDescription: continuousBackups(enabled, ctx.now()) };
    },
  };
}

/** The backup's state at `now`; a failing backup ends DELETED instead of AVAILABLE. */
function backupStatus(backup: TableBackup, now: Date): 'CREATING' | 'AVAILABLE' | 'DELETED' {
  if (!progressAt(backup.createdAt, backup.durationMs, now).finished) return 'CREATING';
  return backup.fails ? 'DELETED' : 'AVAILABLE';
}

function backupDetails(backup: TableBackup, now: Date) {
  return {
    BackupArn: backup.arn,
    BackupName: backup.name,
    BackupSizeBytes: backup.sizeBytes,
    BackupStatus: backupStatus(backup, now),
    BackupType: 'USER',
    BackupCreationDateTime: backup.createdAt,
  };
}

/** Limit 1..100, oldest first; `LastEvaluatedBackupArn` when more follow; BackupType USER by default. */
function listBackups(ctx: RequestContext, input: Record<string, unknown>) {
  const tableName = optionalString(input, 'TableName');
  const limit = optionalInteger(input, 'Limit') ?? 100;
  if (limit < 1 || limit > 100) {
    throw validation(
      `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: ` +
        'Member must have value between 1 and 100',
    );
  }
  const type = optionalString(input, 'BackupType') ?? 'USER';
  if (!['USER', 'SYSTEM', 'AWS_BACKUP', 'ALL'].includes(type)) {
    throw validation(
      `1 validation error detected: Value '${type}' at 'backupType' failed to satisfy constraint.`,
    );
  }
  const lower = optionalNumber(input, 'TimeRangeLowerBound');
  const upper = optionalNumber(input, 'TimeRangeUpperBound');
  const start = optionalString(input, 'ExclusiveStartBackupArn');
  // Every backup here is USER: SYSTEM and AWS_BACKUP list none.
  let backups =
    type === 'USER' || type === 'ALL' ? [...ctx.world.region(ctx.region).tableBackups.values()] : [];
  if (tableName !== undefined) backups = backups.filter((b) => b.tableName === tableName);
  // TimeRangeLowerBound is inclusive, TimeRangeUpperBound exclusive (epoch seconds).
  if (lower !== undefined) backups = backups.filter((b) => b.createdAt.getTime() >= lower * 1000);
  if (upper !== undefined) backups = backups.filter((b) => b.createdAt.getTime() < upper * 1000);
  backups.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || compare(a.arn, b.arn));
  if (start !== undefined) {
    const after = backups.findIndex((b) => b.arn === start);
    backups = after < 0 ? [] : backups.slice(after + 1);
  }
  const page = backups.slice(0, limit);
  const now = ctx.now();
  return {
    BackupSummaries: page.map((backup) => ({
      TableName: backup.tableName,
      TableId: backup.tableId,
      TableArn: backup.tableArn,
      ...backupDetails(backup, now),
    })),
    LastEvaluatedBackupArn: backups.length > limit ? page[page.length - 1]!.arn : undefined,
  };
}

/** On-demand backups are always available (ContinuousBackupsStatus ENABLED); PITR is off unless enabled. */
function continuousBackups(pointInTimeRecovery: boolean, now: Date) {
  return {
    ContinuousBackupsStatus: 'ENABLED',
    PointInTimeRecoveryDescription: pointInTimeRecovery
      ? {
          PointInTimeRecoveryStatus: 'ENABLED',
          RecoveryPeriodInDays: 35,
          EarliestRestorableDateTime: new Date(now.getTime() - 60 * 60_000),
          // DynamoDB restores up to five minutes before now.
          LatestRestorableDateTime: new Date(now.getTime() - 5 * 60_000),
        }
      : { PointInTimeRecoveryStatus: 'DISABLED' },
  };
}

/** `01489602797149-73d8d5bc`: creation time in milliseconds, then 8 hex digits. */
function backupId(createdAt: Date): string {
  return `${String(createdAt.getTime()).padStart(14, '0')}-${randomBytes(4).toString('hex')}`;
}

function validName(value: string, member: string): string {
  if (value.length < 3 || value.length > 255) {
    throw validation(
      `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ` +
        'Member must have length less than or equal to 255 and greater than or equal to 3',
    );
  }
  if (!NAME.test(value)) {
    throw validation(
      `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ` +
        'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+',
    );
  }
  return value;
}

function tableNotFound(tableName: string): AwsError {
  return new AwsError('TableNotFoundException', `Table not found: ${tableName}`);
}

function validation(message: string): AwsError {
  return new AwsError('ValidationException', message);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
