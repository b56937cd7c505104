import {
  DescribeReplicationInstancesCommand,
  type DatabaseMigrationServiceClient,
} from '@aws-sdk/client-database-migration-service';
import { describeEndpoint, withPostgres, type PostgresEndpoint } from '../data/postgres/connection.js';
import type { DataLoader, PlannedTable, TableCopyResult } from '../data/postgres/copy/index.js';
import { VerdictError } from '../errors/index.js';
import {
  awaitFullLoad,
  awaitValidation,
  checkDmsSecret,
  createEndpoint,
  createTask,
  dmsNames,
  findEndpoint,
  findTask,
  logicalSlots,
  newSlot,
  removeDmsObjects,
  startTask,
  testConnection,
  type DmsNames,
} from '../replication/dms/index.js';
import {
  checkReplicationPreconditions,
  setReplicaIdentityFull,
  type ReplicatedTable,
} from '../replication/postgres/index.js';
import { logicalReplicationSetting } from './logical-setting.js';
import type { DmsReplicationRecord, MigrateContext } from './types.js';

/*
 * `replication: dms`, the guide's step 2.2 option A done properly: the endpoints take their credentials
 * from Secrets Manager (never a password in the call), both connection tests are awaited, the table
 * mappings name exactly v1's tables, and the full-load-and-cdc task with validation is started (the
 * guide only creates it), awaited table by table and watched until it fails or the load is done. DMS
 * carries neither indexes nor constraints nor sequences: v2 gets v1's tables first (pre-data), the task
 * stops after its full load, the keys, indexes and constraints are built (post-data), and only then does
 * it resume and apply the changes it cached. Whatever fails after the first object was created removes
 * what this run made, so that no task is left holding a slot on v1.
 */

/** DMS objects are recorded here at once, so that a run that dies leaves them known to the ledger. */
export const DMS_EVENTS = { objectsCreated: 'dms-objects-created' } as const;

/** How long the full load, and then the validation, may take. */
const FULL_LOAD_TIMEOUT_S = 6 * 60 * 60;
const VALIDATION_TIMEOUT_S = 60 * 60;

export interface DmsSettings {
  instanceArn: string;
  accessRoleArn: string;
  /** Secrets in DMS's form (JSON: username, password, host, port); default the config's. */
  v1Secret?: string;
  v2Secret?: string;
  /** Seconds between the waiters' first polls (DMS's own are 5 to 15 s; a test shortens them). */
  pollSeconds?: number;
}

export interface PlannedDms {
  lines: string[];
  loader: DataLoader;
  /** What ran, once the copy is done. */
  record(): DmsReplicationRecord;
  /** After a failure elsewhere in the copy: removes what this run created. */
  abort(): Promise<void>;
}

/** The task as the copy's plan names what moves the rows. */
export function dmsTaskDescription(ctx: MigrateContext): string {
  const instance = ctx.options.dms?.instanceArn ?? 'the replication instance';
  return `DMS task ${dmsNames(ctx.config.environment).task} (full-load-and-cdc, validation on) on ${instance}`;
}

export async function planDmsReplication(
  ctx: MigrateContext,
  source: PostgresEndpoint,
  target: PostgresEndpoint,
  tables: ReplicatedTable[],
): Promise<PlannedDms> {
  const settings = ctx.options.dms;
  if (!settings)
    throw new Error(
      'replication: dms needs the DMS settings (dms-replication-instance-arn, dms-access-role-arn)',
    );
  const { config, clients } = ctx;
  const region = config.regions.primary;
  const dms = clients.dms(region);
  const names = dmsNames(config.environment);
  const v1Secret = settings.v1Secret ?? config.v1.secret;
  const v2Secret = settings.v2Secret ?? config.v2.secret;

  const secrets = clients.secretsManager(region);
  const [setting, report, v1Form, v2Form, instance, leftovers] = await Promise.all([
    logicalReplicationSetting(ctx),
    withPostgres(
      source,
      (v1) =>
        checkReplicationPreconditions(v1, tables, {
          allowReplicaIdentityFull: ctx.options.replicaIdentityFull,
        }),
      'dms preconditions',
    ),
    checkDmsSecret(secrets, v1Secret, 'v1', ctx.mask),
    checkDmsSecret(secrets, v2Secret, 'v2', ctx.mask),
    instanceProblem(dms, settings.instanceArn),
    leftoverProblems(dms, names),
  ]);
  const problems = [
    ...setting,
    ...report.problems.filter((p) => !(p.id === 'wal-level' && setting.length > 0)).map((p) => p.detail),
    ...[v1Form, v2Form, instance].filter((p): p is string => p !== undefined),
    ...leftovers,
  ];
  if (problems.length > 0) {
    throw new VerdictError(
      `DMS replication refused, nothing was changed:\n${problems.map((p) => `- ${p}`).join('\n')}`,
    );
  }

  const wait = { minDelaySeconds: settings.pollSeconds ?? 15 };
  const created: { endpoints: string[]; taskArn?: string; slot?: string } = { endpoints: [] };
  const recordCreated = () =>
    ctx.record?.({
      type: DMS_EVENTS.objectsCreated,
      data: {
        instanceArn: settings.instanceArn,
        endpointArns: [...created.endpoints],
        ...(created.taskArn ? { taskArn: created.taskArn } : {}),
      },
    });
  let finished = false;
  const abort = async () => {
    if (finished || (created.endpoints.length === 0 && !created.taskArn)) return;
    await removeDmsObjects(
      dms,
      { ...(created.taskArn ? { taskArn: created.taskArn } : {}), endpointArns: created.endpoints },
      { minDelaySeconds: wait.minDelaySeconds, log: ctx.log },
    );
    ctx.log(
      'The DMS task and endpoints this run created were removed: nothing of it is left on the replication instance.',
    );
  };
  const removingOnFailure = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      await abort().catch((cleanup: unknown) =>
        ctx.log(`Removing the DMS objects failed too: ${(cleanup as Error).message}`),
      );
      throw error;
    }
  };

  const loader: DataLoader = {
    description: dmsTaskDescription(ctx),
    load: (planned: readonly PlannedTable[], log) =>
      removingOnFailure(async () => {
        // A table without a key is decoded whole (allowed by allow-replica-identity-full), as for logical.
        if (report.identityFull.length > 0) {
          await withPostgres(
            source,
            (v1) => setReplicaIdentityFull(v1, report.identityFull),
            'dms replica identity',
          );
        }
        const endpoints = await Promise.all(
          [
            {
              identifier: names.sourceEndpoint,
              type: 'source' as const,
              database: source.database,
              secretId: v1Secret,
            },
            {
              identifier: names.targetEndpoint,
              type: 'target' as const,
              database: target.database,
              secretId: v2Secret,
            },
          ].map(async (spec) => {
            const endpoint = await createEndpoint(dms, { ...spec, accessRoleArn: settings.accessRoleArn });
            created.endpoints.push(endpoint.EndpointArn!);
            return { arn: endpoint.EndpointArn!, identifier: spec.identifier };
          }),
        );
        await recordCreated();
        log(
          `DMS endpoints ${names.sourceEndpoint} and ${names.targetEndpoint} created (credentials from ${v1Secret} and ${v2Secret}); testing connections`,
        );
        await Promise.all(endpoints.map((e) => testConnection(dms, settings.instanceArn, e, wait)));
        log('DMS connection tests: both successful');
        const mapped = planned.map((t) => ({ schema: t.table.schema, name: t.table.name }));
        const task = await createTask(
          dms,
          {
            identifier: names.task,
            instanceArn: settings.instanceArn,
            sourceArn: endpoints[0]!.arn,
            targetArn: endpoints[1]!.arn,
            tables: mapped,
            parallelTables: ctx.options.jobs,
          },
          wait,
        );
        created.taskArn = task.ReplicationTaskArn!;
        await recordCreated();
        // DMS names the slot it takes on v1 itself: the one that appears once the task has started.
        const slotsBefore = await withPostgres(source, logicalSlots, 'dms slots');
        await startTask(dms, created.taskArn, 'start-replication', wait);
        log(`DMS task ${names.task} started: full load of ${mapped.length} tables, changes cached meanwhile`);
        const stats = await awaitFullLoad(dms, created.taskArn, mapped, {
          timeoutSeconds: FULL_LOAD_TIMEOUT_S,
          minDelaySeconds: wait.minDelaySeconds,
          log,
        });
        const slotsAfter = await withPostgres(source, logicalSlots, 'dms slots');
        created.slot = newSlot(slotsBefore, slotsAfter);
        log(
          created.slot
            ? `DMS task ${names.task} reads v1 through the slot ${created.slot}`
            : `The slot the DMS task reads on v1 cannot be told apart (new logical slots: ${slotsAfter.filter((s) => !slotsBefore.includes(s)).join(', ') || 'none'}): the cutover will refuse to drain it`,
        );
        return stats.map((t): TableCopyResult => ({
          table: `${t.SchemaName}.${t.TableName}`,
          rows: t.FullLoadRows ?? 0,
          bytes: 0,
          seconds:
            t.FullLoadStartTime && t.FullLoadEndTime
              ? (t.FullLoadEndTime.getTime() - t.FullLoadStartTime.getTime()) / 1000
              : 0,
        }));
      }),
    afterPostData: (log) =>
      removingOnFailure(async () => {
        await startTask(dms, created.taskArn!, 'resume-processing', wait);
        log(
          `DMS task ${names.task} resumed: applying the changes cached during the full load, then every later one`,
        );
        const { unvalidated } = await awaitValidation(dms, created.taskArn!, {
          timeoutSeconds: VALIDATION_TIMEOUT_S,
          minDelaySeconds: wait.minDelaySeconds,
        });
        log(
          `DMS validation: every table validated${unvalidated.length > 0 ? ` but ${unvalidated.join(', ')} (no primary key: DMS cannot validate them; the parity does)` : ''}`,
        );
        finished = true;
      }),
  };

  return {
    lines: [
      `replication: dms — endpoints ${names.sourceEndpoint} (${describeEndpoint(source)}) and ${names.targetEndpoint} (${describeEndpoint(target)}) ` +
        `with their credentials from Secrets Manager (${v1Secret}, ${v2Secret}, read by ${settings.accessRoleArn}); both connections tested`,
      `task ${names.task} on ${settings.instanceArn}: full-load-and-cdc of ${tables.length} tables by name, validation on; ` +
        'it stops after the full load, v2 gets its keys, indexes and constraints, then it resumes and applies what it cached; ' +
        'sequences are not carried by DMS: set from v1 now, advanced by the cutover',
      ...(report.identityFull.length > 0
        ? [
            `REPLICA IDENTITY FULL for the tables without a key: ${report.identityFull.map((t) => `${t.schema}.${t.name}`).join(', ')}`,
          ]
        : []),
    ],
    loader,
    record: () => ({
      mode: 'dms',
      task: names.task,
      taskArn: created.taskArn!,
      endpointArns: [...created.endpoints],
      instanceArn: settings.instanceArn,
      ...(created.slot ? { slot: created.slot } : {}),
    }),
    abort,
  };
}

async function instanceProblem(
  dms: DatabaseMigrationServiceClient,
  arn: string,
): Promise<string | undefined> {
  try {
    const out = await dms.send(
      new DescribeReplicationInstancesCommand({
        Filters: [{ Name: 'replication-instance-arn', Values: [arn] }],
      }),
    );
    const instance = out.ReplicationInstances?.[0];
    if (!instance)
      return `the DMS replication instance ${arn} does not exist: create it with the infrastructure code and name it in dms-replication-instance-arn`;
    if (instance.ReplicationInstanceStatus !== 'available') {
      return `the DMS replication instance ${arn} is ${instance.ReplicationInstanceStatus}, not available: wait for it`;
    }
    return undefined;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundFault') {
      return `the DMS replication instance ${arn} does not exist: create it with the infrastructure code and name it in dms-replication-instance-arn`;
    }
    throw error;
  }
}

/** A task or endpoint of the toolkit's names is an earlier run's: refused, with how to remove it. */
async function leftoverProblems(dms: DatabaseMigrationServiceClient, names: DmsNames): Promise<string[]> {
  const [task, source, target] = await Promise.all([
    findTask(dms, names.task),
    findEndpoint(dms, names.sourceEndpoint),
    findEndpoint(dms, names.targetEndpoint),
  ]);
  const problems: string[] = [];
  if (task) {
    problems.push(
      `a DMS task ${names.task} is already there (${task.Status}, an earlier run's): stop and delete it first ` +
        `(aws dms stop-replication-task --replication-task-arn ${task.ReplicationTaskArn}; aws dms delete-replication-task --replication-task-arn ${task.ReplicationTaskArn})`,
    );
  }
  for (const endpoint of [source, target]) {
    if (endpoint) {
      problems.push(
        `a DMS endpoint ${endpoint.EndpointIdentifier} is already there (an earlier run's): delete it first ` +
          `(aws dms delete-endpoint --endpoint-arn ${endpoint.EndpointArn})`,
      );
    }
  }
  return problems;
}
