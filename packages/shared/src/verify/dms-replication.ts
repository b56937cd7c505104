import type pg from 'pg';
import type { AwsClients } from '../aws/index.js';
import type { MigrationConfig } from '../config/index.js';
import {
  dmsTaskSet,
  findTaskByArn,
  readCdcLatency,
  tableStatistics,
  type CdcLatency,
  type DmsRun,
} from '../replication/dms/index.js';
import {
  checkSchemaDrift,
  confirmCurrentPosition,
  type ReplicationLag,
} from '../replication/postgres/index.js';
import type { Check } from '../report/index.js';

/*
 * `check: replication` while migrate-data's DMS task carries v1's writes: is the task running with no
 * table in error, is its lag under the gate, measured on the slot it reads on v1 (v1's current position
 * confirmed within the gate) and as DMS itself reports it (CDCLatencySource + CDCLatencyTarget), and does
 * every table of v1 still have its twin on v2 and a rule in the task's mappings (DMS carries no DDL, and
 * a table created on v1 after the task was made is in none of its rules). Read-only.
 */

export interface DmsReplicationOutput {
  task: string;
  slot: string | null;
  lag: ReplicationLag;
  cdcLatency: CdcLatency | null;
  drift: string[];
}

export async function verifyDmsReplication(
  ctx: { config: MigrationConfig; clients: AwsClients; maxLagSeconds: number },
  run: DmsRun,
  v1: pg.Client,
  v2: pg.Client,
): Promise<{ checks: Check[]; output: DmsReplicationOutput }> {
  const region = ctx.config.regions.primary;
  const dms = ctx.clients.dms(region);
  const [task, stats, slotRow, cdcLatency, drift] = await Promise.all([
    findTaskByArn(dms, run.taskArn).catch((error: unknown) => {
      if ((error as Error).name === 'ResourceNotFoundFault') return undefined;
      throw error;
    }),
    tableStatistics(dms, run.taskArn).catch(() => []),
    run.slot
      ? v1
          .query<{ active: boolean; bytes: string | null }>(
            `SELECT active, pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), confirmed_flush_lsn)::text AS bytes
               FROM pg_catalog.pg_replication_slots WHERE slot_name = $1`,
            [run.slot],
          )
          .then((r) => r.rows[0])
      : Promise.resolve(undefined),
    readCdcLatency(dms, ctx.clients.cloudwatch(region), run, ctx.clients.awsNow()),
    checkSchemaDrift(v1, v2, dmsTaskSet(dms, run)),
  ]);
  const running = task?.Status === 'running';
  const errored = stats
    .filter((t) => t.TableState === 'Table error')
    .map((t) => `${t.SchemaName}.${t.TableName}`);
  const lag: ReplicationLag = {
    bytes: slotRow?.bytes == null ? null : Math.max(0, Number(slotRow.bytes)),
    seconds: cdcLatency ? cdcLatency.source + cdcLatency.target : null,
    slotActive: slotRow?.active ?? false,
    applying: running,
  };
  const base = { resource: run.task, region };
  const runningCheck: Check = {
    ...base,
    id: 'replication-running',
    title: 'The DMS task carrying v1 → v2 is running',
    ...(!task
      ? {
          status: 'fail',
          detail: `the DMS task ${run.task} (${run.taskArn}) is gone: nothing carries v1's writes to v2 any more`,
        }
      : !running
        ? {
            status: 'fail',
            detail: `the DMS task ${run.task} is ${task.Status}${task.StopReason ? ` (${task.StopReason})` : ''}${task.LastFailureMessage ? `: ${task.LastFailureMessage}` : ''}; read its log, then resume it`,
          }
        : errored.length > 0
          ? {
              status: 'fail',
              detail: `the DMS task ${run.task} runs, but tables are in error: ${errored.join(', ')}`,
            }
          : !run.slot
            ? {
                status: 'fail',
                detail: `the DMS task ${run.task} runs, but the slot it reads on v1 was not recorded by migrate-data: its drain cannot be proven`,
              }
            : !slotRow
              ? {
                  status: 'fail',
                  detail: `the DMS task ${run.task} runs, but its slot ${run.slot} is gone from v1`,
                }
              : {
                  status: 'pass',
                  detail: `DMS task ${run.task} is running (CDC) and reads v1 through the slot ${run.slot}`,
                }),
  } as Check;
  const lagCheck = await dmsLagCheck(
    v1,
    run,
    lag,
    cdcLatency,
    ctx.maxLagSeconds,
    runningCheck.status === 'pass',
  );
  const driftCheck: Check = {
    id: 'schema-drift',
    title: "v2's schema still matches v1's (DDL is not replicated)",
    ...(drift.problems.length === 0
      ? {
          status: 'pass',
          detail: 'every table of v1 is carried by the DMS task and has the same columns on v2',
        }
      : { status: 'fail', detail: drift.problems.join('; ') }),
  } as Check;
  return {
    checks: [runningCheck, lagCheck, driftCheck],
    output: {
      task: run.task,
      slot: run.slot ?? null,
      lag,
      cdcLatency: cdcLatency ?? null,
      drift: drift.problems,
    },
  };
}

async function dmsLagCheck(
  v1: pg.Client,
  run: DmsRun,
  lag: ReplicationLag,
  latency: CdcLatency | undefined,
  maxSeconds: number,
  measurable: boolean,
): Promise<Check> {
  const base = { id: 'replication-lag', title: `Replication lag is at most ${maxSeconds} s` };
  if (!measurable || !run.slot) return { ...base, status: 'skip', detail: 'no running DMS task to measure' };
  const reported = latency
    ? `DMS reports CDCLatencySource ${latency.source} s + CDCLatencyTarget ${latency.target} s`
    : 'DMS has published no CDC latency in the last 10 minutes';
  const probe = await confirmCurrentPosition(v1, { slot: run.slot }, { timeoutMs: maxSeconds * 1000 });
  if ('behind' in probe) {
    return {
      ...base,
      status: 'fail',
      detail:
        `the DMS task did not confirm v1's position ${probe.lsn} within ${maxSeconds} s on its slot ${run.slot} ` +
        `(${probe.behind.toLocaleString('en-US')} bytes still behind; ${reported}): over the gate (max-cdc-lag-seconds ${maxSeconds})`,
    };
  }
  if (latency && latency.source + latency.target > maxSeconds) {
    return {
      ...base,
      status: 'fail',
      detail: `${reported}, ${latency.source + latency.target} s in all: over the gate (max-cdc-lag-seconds ${maxSeconds}); a cutover now would wait for it to drain`,
    };
  }
  return {
    ...base,
    status: 'pass',
    detail: `the DMS task confirmed v1's current position in ${probe.ms} ms on its slot ${run.slot} (${reported}; ${(lag.bytes ?? 0).toLocaleString('en-US')} bytes of WAL behind)`,
  };
}
