import type { AwsClients } from '../aws/index.js';
import type { MigrationConfig } from '../config/index.js';
import {
  STREAM_RETENTION_MS,
  streamBacklog,
  streamPositionsStore,
  type StreamBacklog,
} from '../replication/dynamodb/index.js';
import type { Check } from '../report/index.js';

/** A backlog older than this fails: the cutover must still find it in the stream, with time to spare. */
const BACKLOG_LIMIT_MS = STREAM_RETENTION_MS - 4 * 60 * 60_000;

export interface TableReplicationOutput {
  streamArn: string;
  since: string;
  waiting: number;
  /** Age of the oldest change waiting, in ms; 0 when none. */
  lagMs: number;
}

/**
 * `check: replication` for the table, when migrate-data carried its stream (its positions are saved).
 * Read-only: what waits in v1's stream past the positions, which the next catch-up (a parity, the
 * cutover) applies. The stream keeps 24 hours, so the check fails once the oldest change waiting is 20
 * hours old, and when the stream no longer holds what comes after the positions. No `max-cdc-lag-seconds`
 * gate here: no process applies the stream between two phases, so its backlog grows until the next one.
 */
export async function verifyTableReplication(ctx: {
  config: MigrationConfig;
  clients: AwsClients;
}): Promise<{ check: Check; output?: TableReplicationOutput } | undefined> {
  const { config, clients } = ctx;
  const region = config.regions.primary;
  const positions = await streamPositionsStore(clients.ssm(region), config.environment).load();
  if (!positions) return undefined;
  const base = {
    id: 'replication-table',
    title: "v1's table stream is carried to v2 within its retention",
    region,
    resource: `${positions.table} → ${positions.target}`,
  };
  let backlog: StreamBacklog;
  try {
    backlog = await streamBacklog(clients.dynamodbStreams(region), positions);
  } catch (error) {
    return { check: { ...base, status: 'fail', detail: (error as Error).message } };
  }
  const lagMs = backlog.oldest ? Math.max(0, clients.awsNow().getTime() - backlog.oldest.getTime()) : 0;
  const output = { streamArn: positions.streamArn, since: positions.since, waiting: backlog.seen, lagMs };
  const waiting = `${backlog.seen}${backlog.complete ? '' : '+'} change(s) wait`;
  if (lagMs > BACKLOG_LIMIT_MS) {
    return {
      check: {
        ...base,
        status: 'fail',
        detail:
          `${waiting}, the oldest ${hours(lagMs)} old: the stream keeps 24 h. Run the parity (which applies them) or cut over now; ` +
          'past 24 h the table must be copied again.',
      },
      output,
    };
  }
  return {
    check: {
      ...base,
      status: 'pass',
      detail:
        backlog.seen === 0
          ? "v2 has every change of v1's stream"
          : `${waiting} (the oldest ${Math.round(lagMs / 1000)} s old), applied by the next parity or the cutover, within the stream's 24 h`,
    },
    output,
  };
}

function hours(ms: number): string {
  return `${(ms / 3_600_000).toFixed(1)} h`;
}
