import {
  CreateReplicationTaskCommand,
  DescribeReplicationTasksCommand,
  DescribeTableStatisticsCommand,
  StartReplicationTaskCommand,
  waitUntilReplicationTaskReady,
  waitUntilReplicationTaskRunning,
  type DatabaseMigrationServiceClient,
  type ReplicationTask,
  type TableStatistics,
} from '@aws-sdk/client-database-migration-service';
import { describeAwsError, VerdictError } from '../../errors/index.js';
import { waitFor } from '../../resources/wait-for.js';
import { tableMappings, type MappedTable } from './mappings.js';

/** Seconds between polls of a full load or a validation (DMS updates its statistics about this often). */
const POLL_SECONDS = 15;

export interface TaskSpec {
  identifier: string;
  instanceArn: string;
  sourceArn: string;
  targetArn: string;
  tables: readonly MappedTable[];
  /** Tables loaded in parallel (MaxFullLoadSubTasks, 1 to 49). */
  parallelTables: number;
}

/**
 * The task's settings: the tables already exist on v2 (the toolkit made them from v1's schema, without
 * their indexes), so DMS leaves them as they are; it stops once the full load is done, before it applies
 * what it cached meanwhile, so that the primary keys, indexes and constraints DMS does not carry are
 * built first (DMS's own advice for secondary indexes); validation compares every row afterwards.
 */
export function taskSettings(parallelTables: number): string {
  return JSON.stringify({
    TargetMetadata: { SupportLobs: true, FullLobMode: false, LobMaxSize: 32 },
    FullLoadSettings: {
      TargetTablePrepMode: 'DO_NOTHING',
      StopTaskCachedChangesNotApplied: true,
      MaxFullLoadSubTasks: Math.min(49, Math.max(1, parallelTables)),
    },
    ValidationSettings: { EnableValidation: true, ThreadCount: 5, FailureMaxCount: 10000 },
    Logging: { EnableLogging: true },
  });
}

export async function findTask(
  dms: DatabaseMigrationServiceClient,
  identifier: string,
): Promise<ReplicationTask | undefined> {
  try {
    const out = await dms.send(
      new DescribeReplicationTasksCommand({
        Filters: [{ Name: 'replication-task-id', Values: [identifier] }],
        WithoutSettings: true,
      }),
    );
    return out.ReplicationTasks?.[0];
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundFault') return undefined;
    throw new Error(
      describeAwsError(error, { operation: 'dms:DescribeReplicationTasks', resource: identifier }),
      {
        cause: error,
      },
    );
  }
}

/** Creates the full-load-and-cdc task and awaits `ready` with the SDK's waiter. */
export async function createTask(
  dms: DatabaseMigrationServiceClient,
  spec: TaskSpec,
  wait: { minDelaySeconds: number },
): Promise<ReplicationTask> {
  let task: ReplicationTask;
  try {
    task = (
      await dms.send(
        new CreateReplicationTaskCommand({
          ReplicationTaskIdentifier: spec.identifier,
          ReplicationInstanceArn: spec.instanceArn,
          SourceEndpointArn: spec.sourceArn,
          TargetEndpointArn: spec.targetArn,
          MigrationType: 'full-load-and-cdc',
          TableMappings: tableMappings(spec.tables),
          ReplicationTaskSettings: taskSettings(spec.parallelTables),
          Tags: [{ Key: 'created-by', Value: 'db-migration-toolkit' }],
        }),
      )
    ).ReplicationTask!;
  } catch (error) {
    throw new Error(
      describeAwsError(error, { operation: 'dms:CreateReplicationTask', resource: spec.identifier }),
      {
        cause: error,
      },
    );
  }
  await waitUntilReplicationTaskReady(
    { client: dms, maxWaitTime: 600, minDelay: wait.minDelaySeconds, maxDelay: 30 },
    { Filters: [{ Name: 'replication-task-arn', Values: [task.ReplicationTaskArn!] }] },
  );
  return task;
}

/**
 * Starts the task, or resumes it and awaits `running` with the SDK's waiter. A first start is not
 * awaited here: the task runs its full load and stops by itself, which {@link awaitFullLoad} follows.
 */
export async function startTask(
  dms: DatabaseMigrationServiceClient,
  taskArn: string,
  type: 'start-replication' | 'resume-processing',
  wait: { minDelaySeconds: number },
): Promise<void> {
  try {
    await dms.send(
      new StartReplicationTaskCommand({ ReplicationTaskArn: taskArn, StartReplicationTaskType: type }),
    );
  } catch (error) {
    throw new Error(describeAwsError(error, { operation: 'dms:StartReplicationTask', resource: taskArn }), {
      cause: error,
    });
  }
  if (type === 'start-replication') return;
  try {
    await waitUntilReplicationTaskRunning(
      { client: dms, maxWaitTime: 600, minDelay: wait.minDelaySeconds, maxDelay: 30 },
      { Filters: [{ Name: 'replication-task-arn', Values: [taskArn] }] },
    );
  } catch {
    const task = await findTaskByArn(dms, taskArn).catch(() => undefined);
    throw await taskFailure(
      dms,
      taskArn,
      `did not resume (it is ${task?.Status ?? 'gone'}${task?.StopReason ? `, ${task.StopReason}` : ''})`,
    );
  }
}

/** Every table's statistics, all pages. */
export async function tableStatistics(
  dms: DatabaseMigrationServiceClient,
  taskArn: string,
): Promise<TableStatistics[]> {
  const all: TableStatistics[] = [];
  let marker: string | undefined;
  do {
    const out = await dms.send(
      new DescribeTableStatisticsCommand({ ReplicationTaskArn: taskArn, MaxRecords: 500, Marker: marker }),
    );
    all.push(...(out.TableStatistics ?? []));
    marker = out.Marker;
  } while (marker);
  return all;
}

const nameOf = (t: { SchemaName?: string; TableName?: string }) => `${t.SchemaName}.${t.TableName}`;

/**
 * Awaits the end of the full load, table by table: the task stops by itself once every table is loaded
 * (StopTaskCachedChangesNotApplied), and fails the step at once when the task fails or a table errs.
 */
export async function awaitFullLoad(
  dms: DatabaseMigrationServiceClient,
  taskArn: string,
  tables: readonly MappedTable[],
  options: { timeoutSeconds: number; minDelaySeconds?: number; log(line: string): void },
): Promise<TableStatistics[]> {
  let last: TableStatistics[] = [];
  let reported = '';
  await waitFor(
    `the DMS full load of ${taskArn}`,
    {
      maxWaitSeconds: options.timeoutSeconds,
      minDelaySeconds: options.minDelaySeconds ?? POLL_SECONDS,
      maxDelaySeconds: 60,
    },
    async () => {
      const task = await findTaskByArn(dms, taskArn);
      if (!task) return { failed: 'the task is gone' };
      if (task.Status === 'failed') return { failed: failureText(task) };
      last = await tableStatistics(dms, taskArn);
      const errored = last.filter((t) => t.TableState === 'Table error');
      if (errored.length > 0) return { failed: `table error in ${errored.map(nameOf).join(', ')}` };
      const completed = last.filter((t) => t.TableState === 'Table completed').length;
      const progress = `${task.Status}, ${task.ReplicationTaskStats?.FullLoadProgressPercent ?? 0} %, ${completed} of ${tables.length} tables loaded`;
      if (progress !== reported) options.log(`DMS full load: ${progress}`);
      reported = progress;
      const done = task.Status === 'stopped' && /STOPPED_AFTER_FULL_LOAD/.test(task.StopReason ?? '');
      if (done && completed === tables.length) return { done: true };
      if (task.Status === 'stopped')
        return {
          failed: `the task stopped before the full load ended (${task.StopReason ?? 'no reason given'})`,
        };
      return { done: false, state: progress };
    },
  ).catch(async (error: unknown) => {
    throw await taskFailure(dms, taskArn, (error as Error).message);
  });
  return last;
}

/**
 * Awaits DMS's validation of every table (rows compared on both sides after the load): fails on a
 * mismatch; a table without a primary key cannot be validated and is returned for the report.
 */
export async function awaitValidation(
  dms: DatabaseMigrationServiceClient,
  taskArn: string,
  options: { timeoutSeconds: number; minDelaySeconds?: number },
): Promise<{ unvalidated: string[] }> {
  let unvalidated: string[] = [];
  await waitFor(
    `DMS's validation of ${taskArn}`,
    {
      maxWaitSeconds: options.timeoutSeconds,
      minDelaySeconds: options.minDelaySeconds ?? POLL_SECONDS,
      maxDelaySeconds: 60,
    },
    async () => {
      const task = await findTaskByArn(dms, taskArn);
      if (task?.Status === 'failed') return { failed: failureText(task) };
      const stats = await tableStatistics(dms, taskArn);
      const mismatched = stats.filter((t) =>
        ['Mismatched records', 'Suspended records', 'Table error', 'Error'].includes(t.ValidationState ?? ''),
      );
      if (mismatched.length > 0) {
        return {
          failed: `validation found differences in ${mismatched.map((t) => `${nameOf(t)} (${t.ValidationState}, ${t.ValidationFailedRecords ?? 0} records)`).join(', ')}`,
        };
      }
      unvalidated = stats.filter((t) => t.ValidationState === 'No primary key').map(nameOf);
      const pending = stats.filter(
        (t) => t.ValidationState !== 'Validated' && t.ValidationState !== 'No primary key',
      );
      if (pending.length === 0) return { done: true };
      return { done: false, state: `${pending.length} table(s) not validated yet` };
    },
  );
  return { unvalidated };
}

function failureText(task: ReplicationTask): string {
  return `the task failed: ${task.StopReason ?? 'no stop reason'}${task.LastFailureMessage ? ` — ${task.LastFailureMessage}` : ''}`;
}

/** A failure of the task, with what DMS says of it. */
async function taskFailure(
  dms: DatabaseMigrationServiceClient,
  taskArn: string,
  what: string,
): Promise<Error> {
  const task = await findTaskByArn(dms, taskArn).catch(() => undefined);
  const detail = task?.LastFailureMessage ? ` DMS says: ${task.LastFailureMessage}.` : '';
  return new VerdictError(`The DMS task ${taskArn} ${what}.${detail}`);
}

export async function findTaskByArn(
  dms: DatabaseMigrationServiceClient,
  taskArn: string,
): Promise<ReplicationTask | undefined> {
  const out = await dms.send(
    new DescribeReplicationTasksCommand({
      Filters: [{ Name: 'replication-task-arn', Values: [taskArn] }],
      WithoutSettings: true,
    }),
  );
  return out.ReplicationTasks?.[0];
}
