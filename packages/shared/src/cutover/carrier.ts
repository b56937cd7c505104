import type pg from 'pg';
import type { AwsClients } from '../aws/clients.js';
import type { MigrationConfig } from '../config/types.js';
import type { JsonObject } from '../ledger/event.js';
import { dmsTaskSet, drainAndStopDms, type DmsRun } from '../replication/dms/index.js';
import { publicationSet, replicationNames, type ReplicatedSet } from '../replication/postgres/index.js';
import type { RunningReplication } from '../replication/running.js';
import { drainAndStop, type StoppedReplication } from '../replication/stop.js';

/*
 * What carries v1's writes to v2 while a cutover runs, as the write strategy sees it: migrate-data's
 * logical replication (a slot on v1, a subscription on v2) or its DMS task (read through the slot it
 * took on v1). Each names what its stop removes, the tables it carries (the ones `pause` revokes writes
 * on), and how it is drained and stopped.
 */

/** Logical replication's slot and subscription, or a DMS task: what the plan names and how each ends. */
export interface Carrier {
  /** What the stop removes, for the plan: `the slot … and subscription … dropped`. */
  removed: string;
  /** The tables it carries: those whose writes `pause` revokes. */
  carried: ReplicatedSet;
  /** Waits until v2 has every byte v1 wrote, then stops it and removes what it made. */
  drainAndStop(v1: pg.Client, v2: pg.Client, timeoutMs: number): Promise<StoppedReplication>;
  /** The ledger's record of the stop, and the log's. */
  stopped: { data: JsonObject; line: string };
}

export function carrierOf(
  running: RunningReplication,
  ctx: {
    config: MigrationConfig;
    clients: AwsClients;
    /** The first delay of the DMS waiters, in seconds. */
    dmsPollSeconds: number;
    log(line: string): void;
  },
): Carrier {
  if (running.dms) {
    const run = running.dms as DmsRun & { slot: string };
    const dms = ctx.clients.dms(ctx.config.regions.primary);
    return {
      removed: `the DMS task ${run.task} stopped and deleted with its endpoints (slot ${run.slot} on v1)`,
      carried: dmsTaskSet(dms, run),
      drainAndStop: (v1, _v2, timeoutMs) =>
        drainAndStopDms(v1, dms, run, {
          timeoutMs,
          minDelaySeconds: ctx.dmsPollSeconds,
          log: ctx.log,
        }),
      stopped: {
        data: { mode: 'dms', task: run.task, taskArn: run.taskArn, slot: run.slot },
        line: `DMS task ${run.task} stopped and deleted, its endpoints deleted, its slot ${run.slot} gone from v1`,
      },
    };
  }
  const names = replicationNames(ctx.config.environment);
  return {
    removed: `the slot ${names.slot} and subscription ${names.subscription} dropped`,
    carried: publicationSet(names),
    drainAndStop: (v1, v2, timeoutMs) => drainAndStop(v1, v2, names, { timeoutMs }),
    stopped: {
      data: { slot: names.slot, subscription: names.subscription },
      line: `subscription ${names.subscription} dropped on v2, slot ${names.slot} and publication dropped on v1`,
    },
  };
}
