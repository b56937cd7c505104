import type { AwsClients } from '../aws/index.js';
import type { MigrationConfig } from '../config/index.js';
import type { SslMode } from '../data/ssl-mode.js';
import { describeEvent } from '../ledger/describe.js';
import type { LedgerEvent } from '../ledger/event.js';
import type { LedgerView } from '../ledger/view.js';
import { dmsRunOf, type DmsRun } from './dms/run.js';
import { findTaskByArn } from './dms/task.js';
import { describeLeftovers, readLeftovers, stopStatements } from './leftovers.js';
import { replicationNames } from './postgres/index.js';

/*
 * Whether the logical replication migrate-data started still runs. The ledger says it was started; only
 * the servers say whether its slot and subscription are still there (a DBA may have stopped it by hand,
 * and nothing then records the stop). A phase that must not run beside it asks both.
 */

export const REPLICATION_EVENTS = {
  slotCreated: 'replication-slot-created',
  /** `replication: dms` created a task or endpoints (recorded at once, before the task ran). */
  dmsObjectsCreated: 'dms-objects-created',
  started: 'replication-started',
  stopped: 'replication-stopped',
} as const;

/** The newest start of replication with no stop recorded after it. */
export function replicationInLedger(view: LedgerView): LedgerEvent | undefined {
  const start = view.latest([
    REPLICATION_EVENTS.slotCreated,
    REPLICATION_EVENTS.dmsObjectsCreated,
    REPLICATION_EVENTS.started,
  ]);
  if (!start) return undefined;
  return view.since(start, [REPLICATION_EVENTS.stopped]).length > 0 ? undefined : start;
}

export interface RunningReplication {
  mode: 'logical' | 'dms';
  event: LedgerEvent;
  /** What is still on the servers, e.g. `slot dbmig_dev on v1`. */
  objects: string[];
  /** The statements that stop it by hand, v2's first. */
  stop: string[];
  /** With mode dms: the task, its endpoints and its slot. */
  dms?: DmsRun;
}

/** The DMS run of the ledger's replication still recorded as running, if it is one. */
export function dmsRunInLedger(view: LedgerView): DmsRun | undefined {
  const event = replicationInLedger(view);
  if (!event || !isDms(event)) return undefined;
  return dmsRunOf(event);
}

function isDms(event: LedgerEvent): boolean {
  return event.type === REPLICATION_EVENTS.dmsObjectsCreated || event.data['mode'] === 'dms';
}

export async function runningReplication(
  view: LedgerView,
  ctx: { config: MigrationConfig; clients: AwsClients; sslMode: SslMode; mask(secret: string): void },
): Promise<RunningReplication | undefined> {
  const event = replicationInLedger(view);
  if (!event) return undefined;
  if (isDms(event)) {
    const run = dmsRunOf(event);
    return run ? runningDms(event, run, ctx) : undefined;
  }
  const objects = describeLeftovers(await readLeftovers(ctx, 'replication check'));
  if (objects.length === 0) return undefined;
  return { mode: 'logical', event, objects, stop: stopStatements(replicationNames(ctx.config.environment)) };
}

/** A DMS task of the ledger's still on the replication instance (whatever its state: it holds a slot on v1). */
async function runningDms(
  event: LedgerEvent,
  run: DmsRun,
  ctx: { config: MigrationConfig; clients: AwsClients },
): Promise<RunningReplication | undefined> {
  const dms = ctx.clients.dms(ctx.config.regions.primary);
  const task = await findTaskByArn(dms, run.taskArn).catch((error: unknown) => {
    if ((error as Error).name === 'ResourceNotFoundFault') return undefined;
    throw error;
  });
  if (!task) return undefined;
  return {
    mode: 'dms',
    event,
    objects: [`DMS task ${task.ReplicationTaskIdentifier ?? run.taskArn} (${task.Status ?? 'unknown'})`],
    stop: dmsStopCommands(run),
    dms: run,
  };
}

/** The commands that stop and remove a DMS run by hand. */
export function dmsStopCommands(run: DmsRun): string[] {
  return [
    `aws dms stop-replication-task --replication-task-arn ${run.taskArn};`,
    `aws dms delete-replication-task --replication-task-arn ${run.taskArn};`,
    ...run.endpointArns.map((arn) => `aws dms delete-endpoint --endpoint-arn ${arn};`),
    ...(run.slot ? [`on v1: SELECT pg_drop_replication_slot('${run.slot}');`] : []),
  ];
}

export function describeRunningReplication(running: RunningReplication): string {
  const what =
    running.mode === 'dms'
      ? "a DMS task carries v1's writes to v2"
      : 'logical replication from v1 to v2 is running';
  return `${what} (${describeEvent(running.event)}; ${running.objects.join(', ')})`;
}
