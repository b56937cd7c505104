import type { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import type pg from 'pg';
import { confirmCurrentPosition } from '../postgres/lag.js';
import { dropSlot } from '../postgres/teardown.js';
import type { StoppedReplication } from '../stop.js';
import type { DmsRun } from './run.js';
import { findTaskByArn, tableStatistics } from './task.js';
import { removeDmsObjects } from './teardown.js';

/*
 * The end of a DMS task at cutover, once nothing writes to v1 any more: the task must still be running
 * (a stopped or failed one carries nothing); the slot it reads on v1 must confirm every byte v1 had
 * written (DMS confirms a position once its changes are committed on v2), and the task's table statistics
 * must show no table in error and no validation failure; then the task is stopped and deleted, its
 * endpoints deleted, and the slot dropped if DMS left it (a slot left behind fills v1's storage).
 */

export interface DmsDrainOptions {
  timeoutMs: number;
  /** The DMS waiters' first delay between polls. */
  minDelaySeconds: number;
  log(line: string): void;
}

export async function drainAndStopDms(
  v1: pg.Client,
  dms: DatabaseMigrationServiceClient,
  run: DmsRun & { slot: string },
  options: DmsDrainOptions,
): Promise<StoppedReplication> {
  const task = await findTaskByArn(dms, run.taskArn);
  if (task?.Status !== 'running') {
    throw new Error(
      `the DMS task ${run.task} is ${task?.Status ?? 'gone'}${task?.StopReason ? ` (${task.StopReason})` : ''}, not running: ` +
        "it no longer carries v1's writes, so v2 may lack the last of them. Read the task's log, resume it " +
        `(aws dms start-replication-task --start-replication-task-type resume-processing --replication-task-arn ${run.taskArn}) and run the cutover again, or roll back`,
    );
  }
  const reached = await confirmCurrentPosition(v1, { slot: run.slot }, { timeoutMs: options.timeoutMs });
  if ('behind' in reached) {
    throw new Error(
      `the DMS task ${run.task} did not confirm v1's position ${reached.lsn} within ${Math.round(options.timeoutMs / 1000)} s ` +
        `(${reached.behind.toLocaleString('en-US')} bytes of WAL behind on its slot ${run.slot}): look at its CDCLatencyTarget and its log ` +
        "(a task that captures no change does not move its slot: with v1 idle, only a change, or the endpoint's HeartbeatEnable, makes it confirm). It still runs",
    );
  }
  const problems = (await tableStatistics(dms, run.taskArn)).flatMap((t) => {
    const name = `${t.SchemaName}.${t.TableName}`;
    if (t.TableState === 'Table error') return [`table ${name} is in error in the DMS task`];
    const failed = t.ValidationFailedRecords ?? 0;
    return failed > 0 || ['Mismatched records', 'Suspended records'].includes(t.ValidationState ?? '')
      ? [`DMS validation of ${name}: ${t.ValidationState}, ${failed} record(s) differ`]
      : [];
  });
  await removeDmsObjects(
    dms,
    { taskArn: run.taskArn, endpointArns: run.endpointArns },
    { minDelaySeconds: options.minDelaySeconds, log: options.log },
  );
  if (await dropSlot(v1, run.slot)) options.log(`Slot ${run.slot} the DMS task left on v1 dropped.`);
  return { lsn: reached.lsn, applyErrors: problems.length, problems };
}
