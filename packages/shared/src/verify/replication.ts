import type { AwsClients } from '../aws/index.js';
import type { MigrationConfig } from '../config/index.js';
import { connectPostgres, type PostgresEndpoint } from '../data/postgres/connection.js';
import type { SslMode } from '../data/ssl-mode.js';
import type { JsonObject, LedgerEventDraft } from '../ledger/event.js';
import {
  checkSchemaDrift,
  publicationSet,
  confirmCurrentPosition,
  readReplicationLag,
  replicationNames,
  type ReplicationLag,
} from '../replication/postgres/index.js';
import type { Check } from '../report/index.js';
import { resolveDatabaseEndpoint } from '../resources/database-endpoint.js';
import type { DmsRun } from '../replication/dms/index.js';
import { verifyDmsReplication, type DmsReplicationOutput } from './dms-replication.js';
import type { TableReplicationOutput } from './table-replication.js';

/*
 * `check: replication`: while migrate-data's logical replication (or its DMS task: dms-replication.ts) carries v1's writes to v2, is it
 * running, is its lag under the gate, and do the two schemas still match? DDL is not replicated: a column
 * added on v1 stalls the apply on v2, and a table created on v1 is never published, so its rows would be
 * lost at cutover without a word. Read-only on both sides.
 */

export interface ReplicationVerifyOptions {
  /** Largest lag that passes, in seconds (the walsender's replay lag). */
  maxLagSeconds: number;
  sslMode: SslMode;
}

export interface ReplicationVerifyContext {
  config: MigrationConfig;
  clients: AwsClients;
  options: ReplicationVerifyOptions;
  mask(secret: string): void;
  /** The DMS task the ledger records as carrying v1's writes, when migrate-data ran with `replication: dms`. */
  dms?: DmsRun;
}

export interface ReplicationOutput {
  mode: 'logical' | 'dms';
  slot: string | null;
  /** With mode logical: the subscription on v2. */
  subscription?: string;
  lag: ReplicationLag;
  drift: string[];
  /** With mode dms: the task and DMS's own latency figures. */
  dms?: Omit<DmsReplicationOutput, 'slot' | 'lag' | 'drift'>;
  /** The table's stream, when migrate-data carried it (table-replication.ts). */
  table?: TableReplicationOutput;
}

export async function verifyReplication(
  ctx: ReplicationVerifyContext,
): Promise<{ checks: Check[]; output: ReplicationOutput }> {
  const names = replicationNames(ctx.config.environment);
  const endpoint = (side: 'v1' | 'v2') =>
    resolveDatabaseEndpoint({ ...ctx, side, sslMode: ctx.options.sslMode });
  const [source, target] = await Promise.all([endpoint('v1'), endpoint('v2')]);
  const [v1, v2] = await Promise.all([connect(source), connect(target)]);
  try {
    if (ctx.dms) {
      const { checks, output } = await verifyDmsReplication(
        { config: ctx.config, clients: ctx.clients, maxLagSeconds: ctx.options.maxLagSeconds },
        ctx.dms,
        v1,
        v2,
      );
      const { slot, lag, drift, ...dms } = output;
      return { checks, output: { mode: 'dms', slot, lag, drift, dms } };
    }
    const lag = await readReplicationLag(v1, v2, names);
    const drift = await checkSchemaDrift(v1, v2, publicationSet(names));
    const maxMs = ctx.options.maxLagSeconds * 1000;
    // Only for a slot that streams to a running worker: otherwise the running check already fails.
    const probe =
      lag.bytes !== null && lag.slotActive && lag.applying
        ? await confirmCurrentPosition(v1, names, { timeoutMs: maxMs, v2 })
        : undefined;
    const checks = [
      runningCheck(names.slot, names.subscription, lag),
      lagCheck(lag, ctx.options.maxLagSeconds, probe),
      driftCheck(drift.problems),
    ];
    return {
      checks,
      output: {
        mode: 'logical',
        slot: names.slot,
        subscription: names.subscription,
        lag,
        drift: drift.problems,
      },
    };
  } finally {
    await Promise.all([v1.end().catch(() => undefined), v2.end().catch(() => undefined)]);
  }
}

function connect(endpoint: PostgresEndpoint) {
  return connectPostgres(endpoint, 'verify replication');
}

function runningCheck(slot: string, subscription: string, lag: ReplicationLag): Check {
  const base = { id: 'replication-running', title: 'v1 → v2 logical replication is running', resource: slot };
  if (lag.bytes === null) {
    return {
      ...base,
      status: 'fail',
      detail: `no replication slot ${slot} on v1: start replication with migrate-data (replication: logical)`,
    };
  }
  if (!lag.slotActive || !lag.applying) {
    return {
      ...base,
      status: 'fail',
      detail:
        `the slot ${slot} is ${lag.slotActive ? 'streaming' : 'not streaming'} and the subscription ${subscription} ` +
        `on v2 ${lag.applying ? 'is applying' : 'has no running apply worker'}: read the v2 server's log ` +
        '(a failing apply retries every 5 s, e.g. on a missing column) and pg_stat_subscription',
    };
  }
  return { ...base, status: 'pass', detail: `slot ${slot} streams to subscription ${subscription}` };
}

function lagCheck(
  lag: ReplicationLag,
  maxSeconds: number,
  probe: Awaited<ReturnType<typeof confirmCurrentPosition>> | undefined,
): Check {
  const base = { id: 'replication-lag', title: `Replication lag is at most ${maxSeconds} s` };
  if (lag.bytes === null) return { ...base, status: 'skip', detail: 'no replication to measure' };
  const seconds = lag.seconds;
  const bytes = `${lag.bytes.toLocaleString('en-US')} bytes of WAL behind`;
  if (probe && 'behind' in probe) {
    return {
      ...base,
      status: 'fail',
      detail:
        `v2 did not confirm v1's position ${probe.lsn} within ${maxSeconds} s (${probe.behind.toLocaleString('en-US')} bytes still behind; ` +
        `the last replay lag v2 reported: ${seconds === null ? 'none' : `${seconds.toFixed(3)} s`}): over the gate (max-cdc-lag-seconds ${maxSeconds}). ` +
        "The apply on v2 is stuck or far behind: look at v2's pg_stat_activity for the apply worker's wait and at its server log",
    };
  }
  if (probe) {
    // Measured: v2 applied everything v1 had written when the probe began, in this long.
    return {
      ...base,
      status: 'pass',
      detail: `v2 applied v1's current position in ${probe.ms} ms (replay lag ${seconds === null ? 'idle' : `${seconds.toFixed(3)} s`}, ${bytes})`,
    };
  }
  if (seconds === null) {
    return {
      ...base,
      status: 'fail',
      detail: lag.slotActive
        ? `${bytes}, and no replay lag is reported: the apply on v2 is not running`
        : `${bytes}, and no replay lag is reported (no walsender streams from the slot): the lag cannot be measured`,
    };
  }
  return seconds <= maxSeconds
    ? { ...base, status: 'pass', detail: `${seconds.toFixed(3)} s, ${bytes}` }
    : {
        ...base,
        status: 'fail',
        detail: `${seconds.toFixed(3)} s, ${bytes}: over the gate (max-cdc-lag-seconds ${maxSeconds}); a cutover now would wait for it to drain`,
      };
}

function driftCheck(problems: string[]): Check {
  const base = { id: 'schema-drift', title: "v2's schema still matches v1's (DDL is not replicated)" };
  return problems.length === 0
    ? { ...base, status: 'pass', detail: 'every table of v1 is replicated and has the same columns on v2' }
    : { ...base, status: 'fail', detail: problems.join('; ') };
}

/** The ledger's record of the check: the cutover's lag gate and the rehearsal read the latest one. */
export function replicationEvent(checks: readonly Check[], output: ReplicationOutput): LedgerEventDraft {
  const lag: JsonObject = { bytes: output.lag.bytes, seconds: output.lag.seconds };
  return {
    type: 'replication-verified',
    data: {
      healthy: checks.every((c) => c.status !== 'fail'),
      mode: output.mode,
      slot: output.slot,
      ...(output.dms ? { task: output.dms.task } : {}),
      lag,
      drift: output.drift.slice(0, 20),
    },
  };
}
