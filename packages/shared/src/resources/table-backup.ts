import {
  CreateBackupCommand,
  DescribeBackupCommand,
  ListBackupsCommand,
  type BackupSummary,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { classifyAwsError, VerdictError } from '../errors/index.js';

export interface TableBackupOptions {
  tableName: string;
  backupName: string;
  /** How long to wait for AVAILABLE before failing. */
  maxWaitSeconds: number;
  log: (line: string) => void;
  /** Delays between polls, seconds (exponential backoff with jitter); defaults 2 and 30. */
  minDelaySeconds?: number;
  maxDelaySeconds?: number;
}

export interface TableBackupResult {
  name: string;
  arn: string;
  /** `AVAILABLE`: anything else throws. */
  status: string;
  sizeBytes: number;
  createdAt: Date;
  /** True when a backup of this name, made by an earlier try of the same run attempt, was adopted. */
  adopted: boolean;
}

/** What CreateBackup, ListBackups and DescribeBackup all say of a backup. */
type BackupState = Pick<
  BackupSummary,
  'BackupArn' | 'BackupName' | 'BackupStatus' | 'BackupSizeBytes' | 'BackupCreationDateTime'
>;

/** How often a backup that is still CREATING is reported, so that a long wait shows it is alive. */
const STILL_CREATING_EVERY_MS = 60_000;

/**
 * Step 2.1's on-demand backup of a table, awaited. DynamoDB backup names are not unique, so a re-run of
 * the same attempt first looks for a CREATING or AVAILABLE backup of this name (ListBackups) and adopts
 * it instead of making a second. There is no SDK waiter for backups: DescribeBackup is polled with
 * exponential backoff and jitter until AVAILABLE, within `maxWaitSeconds`. A backup that disappears or
 * turns DELETED (DynamoDB's only way of saying it failed) throws a VerdictError naming it.
 */
export async function createTableBackup(
  dynamodb: DynamoDBClient,
  options: TableBackupOptions,
): Promise<TableBackupResult> {
  const { tableName, backupName, log } = options;
  const region = await dynamodb.config.region();
  const what = `Backup ${backupName} of table ${tableName} (${region})`;
  const existing = await findReusable(dynamodb, tableName, backupName);
  const started = existing ?? (await create(dynamodb, options, region));
  const adopted = existing !== undefined;
  log(
    adopted
      ? `${what} exists already (an earlier try of this run attempt made it): adopting it, ${started.BackupStatus}.`
      : `${what} requested: ${started.BackupStatus}.`,
  );
  const arn = started.BackupArn!;
  const details = await waitUntilAvailable(dynamodb, arn, options, what, started);
  return {
    name: details.BackupName ?? backupName,
    arn,
    status: details.BackupStatus ?? 'AVAILABLE',
    sizeBytes: details.BackupSizeBytes ?? 0,
    createdAt: details.BackupCreationDateTime ?? new Date(),
    adopted,
  };
}

/** An AVAILABLE backup of this name if there is one, else the newest CREATING one. */
async function findReusable(
  dynamodb: DynamoDBClient,
  tableName: string,
  backupName: string,
): Promise<BackupSummary | undefined> {
  const matches: BackupSummary[] = [];
  let start: string | undefined;
  do {
    const page = await dynamodb.send(
      new ListBackupsCommand({ TableName: tableName, BackupType: 'USER', ExclusiveStartBackupArn: start }),
    );
    for (const summary of page.BackupSummaries ?? []) {
      if (summary.BackupName === backupName && summary.BackupArn) matches.push(summary);
    }
    start = page.LastEvaluatedBackupArn;
  } while (start);
  const newestFirst = matches.sort(
    (a, b) => (b.BackupCreationDateTime?.getTime() ?? 0) - (a.BackupCreationDateTime?.getTime() ?? 0),
  );
  return (
    newestFirst.find((s) => s.BackupStatus === 'AVAILABLE') ??
    newestFirst.find((s) => s.BackupStatus === 'CREATING')
  );
}

async function create(
  dynamodb: DynamoDBClient,
  options: TableBackupOptions,
  region: string,
): Promise<BackupState> {
  const { tableName, backupName } = options;
  try {
    const out = await dynamodb.send(
      new CreateBackupCommand({ TableName: tableName, BackupName: backupName }),
    );
    if (!out.BackupDetails?.BackupArn) throw new Error(`CreateBackup of ${tableName} returned no BackupArn`);
    return out.BackupDetails;
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'TableNotFoundException') {
      throw new VerdictError(
        `Table ${tableName} was not found in ${region}, so it cannot be backed up. Check the v1 table's name ` +
          `(config file, key v1.table) and the primary region.`,
      );
    }
    if (name === 'TableInUseException' || classifyAwsError(error) === 'invalid-state') {
      throw new VerdictError(
        `Table ${tableName} (${region}) cannot be backed up now (${messageOf(error)}). Wait until it is ` +
          `ACTIVE, then re-run the step.`,
      );
    }
    throw error;
  }
}

async function waitUntilAvailable(
  dynamodb: DynamoDBClient,
  arn: string,
  options: TableBackupOptions,
  what: string,
  first: BackupState,
): Promise<BackupState> {
  const minDelayMs = (options.minDelaySeconds ?? 2) * 1000;
  const maxDelayMs = Math.max(minDelayMs, (options.maxDelaySeconds ?? 30) * 1000);
  const startedAt = Date.now();
  const deadline = startedAt + options.maxWaitSeconds * 1000;
  let details = first;
  let lastReported = startedAt;
  for (let attempt = 1; ; attempt++) {
    if (details.BackupStatus === 'AVAILABLE') {
      options.log(`${what}: AVAILABLE (${details.BackupSizeBytes ?? 0} bytes).`);
      return details;
    }
    if (details.BackupStatus === 'DELETED') {
      throw new VerdictError(
        `${what} turned DELETED before it became AVAILABLE: DynamoDB could not complete it, and v1 has no ` +
          `pre-migration backup, so no data was copied. Check the table in the DynamoDB console, then re-run ` +
          `the step, which makes a new backup.`,
      );
    }
    // Backoff as the SDK's waiters do it: a random delay between the minimum and an exponentially
    // growing cap, so that several jobs polling at once spread out.
    const cap = Math.min(maxDelayMs, minDelayMs * 2 ** (attempt - 1));
    const delay = minDelayMs + Math.random() * (cap - minDelayMs);
    if (Date.now() + delay > deadline) {
      throw new VerdictError(
        `${what} is not AVAILABLE after ${options.maxWaitSeconds} s (still ${details.BackupStatus ?? 'unknown'}). ` +
          `DynamoDB may still finish it: re-run this job's attempt to wait for the same backup again. Phase 2 ` +
          `does not copy data without a finished backup of v1.`,
      );
    }
    await sleep(delay);
    const previous = details.BackupStatus;
    details = (await describe(dynamodb, arn, what)) ?? details;
    // AVAILABLE is reported, with the size, at the top of the loop.
    const changed = details.BackupStatus !== previous && details.BackupStatus !== 'AVAILABLE';
    if (changed) options.log(`${what}: ${details.BackupStatus}.`);
    else if (Date.now() - lastReported >= STILL_CREATING_EVERY_MS) {
      options.log(
        `${what}: still ${details.BackupStatus} after ${Math.round((Date.now() - startedAt) / 1000)} s.`,
      );
      lastReported = Date.now();
    }
  }
}

/**
 * One poll. A backup that is no longer there failed; throttling or a transient fault that outlived the
 * SDK's retries only skips this poll (undefined), as the SDK's waiters keep polling through errors.
 */
async function describe(
  dynamodb: DynamoDBClient,
  arn: string,
  what: string,
): Promise<BackupState | undefined> {
  try {
    const out = await dynamodb.send(new DescribeBackupCommand({ BackupArn: arn }));
    return out.BackupDescription?.BackupDetails;
  } catch (error) {
    if (classifyAwsError(error) === 'not-found') {
      throw new VerdictError(
        `${what} disappeared before it became AVAILABLE (${arn} is not found): it was deleted or DynamoDB ` +
          `could not complete it. Re-run the step, which makes a new backup.`,
      );
    }
    if (classifyAwsError(error) === 'throttled') return undefined;
    throw error;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
