import type pg from 'pg';
import type { ReplicationNames } from './names.js';

/*
 * How far v2 is behind v1 (replication.md §1.6): bytes from the slot (v1's current WAL position against
 * what the subscription confirmed), seconds from the walsender's replay lag. Both are read on v1, the
 * side that knows what was written; v2's pg_stat_subscription says whether its apply worker runs.
 */

export interface ReplicationLag {
  /** WAL bytes written on v1 that v2 has not confirmed; null when the slot is gone. */
  bytes: number | null;
  /** The walsender's replay lag in seconds; 0 when caught up (PostgreSQL reports NULL when idle). */
  seconds: number | null;
  /** Whether a walsender streams from the slot now. */
  slotActive: boolean;
  /** Whether v2's apply worker is running (pid not NULL). */
  applying: boolean;
}

export async function readReplicationLag(
  v1: pg.Client,
  v2: pg.Client,
  names: ReplicationNames,
): Promise<ReplicationLag> {
  const [slot, worker] = await Promise.all([
    v1.query<{ bytes: string | null; active: boolean; seconds: number | null }>(
      `SELECT pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), s.confirmed_flush_lsn) AS bytes,
              s.active,
              extract(epoch FROM r.replay_lag)::float8 AS seconds
         FROM pg_catalog.pg_replication_slots s
         LEFT JOIN pg_catalog.pg_stat_replication r ON r.pid = s.active_pid
        WHERE s.slot_name = $1`,
      [names.slot],
    ),
    v2.query<{ applying: boolean }>(
      `SELECT bool_or(pid IS NOT NULL) AS applying FROM pg_catalog.pg_stat_subscription WHERE subname = $1`,
      [names.subscription],
    ),
  ]);
  const row = slot.rows[0];
  const bytes = row?.bytes === null || row?.bytes === undefined ? null : Math.max(0, Number(row.bytes));
  return {
    bytes,
    seconds: row ? (row.seconds ?? (bytes === 0 ? 0 : null)) : null,
    slotActive: row?.active ?? false,
    applying: worker.rows[0]?.applying ?? false,
  };
}

/**
 * Waits until v2 has confirmed everything v1 had written when this was called: the drain at cutover, once
 * the application no longer writes to v1. Throws after `timeoutMs` with the lag it last saw.
 */
export async function waitForCatchUp(
  v1: pg.Client,
  names: ReplicationNames,
  options: CatchUpOptions,
): Promise<{ lsn: string }> {
  const reached = await confirmCurrentPosition(v1, names, options);
  if ('ms' in reached) return { lsn: reached.lsn };
  throw new Error(
    `v2 did not catch up with v1 in ${Math.round(options.timeoutMs / 1000)} s: ${reached.behind} bytes of WAL up to ${reached.lsn} ` +
      'not yet confirmed. Is the subscription enabled and its apply worker running (pg_stat_subscription on v2)?',
  );
}

/**
 * How long v2 takes to confirm v1's current WAL position: the lag a write made now would see, measured
 * rather than read. The walsender's replay lag is only updated by v2's replies, so an apply worker that
 * is stuck (waiting for a lock, say) keeps showing the small lag of its last reply; this sees it. Polls the
 * slot (there is no notification of a confirmed LSN); gives up after `timeoutMs` with the bytes behind.
 */
/** The slot on v1 a stream is read from, and the subscription on v2 that applies it when it is one. */
export type StreamNames = Pick<ReplicationNames, 'slot'> & Partial<Pick<ReplicationNames, 'subscription'>>;

export interface CatchUpOptions {
  timeoutMs: number;
  pollMs?: number;
  /**
   * v2, to see the catch-up at once (with the subscription's name): v1's slot learns what v2 applied only from v2's status replies, which
   * an idle apply worker sends every wal_receiver_status_interval (10 s), so WAL v1 writes on its own
   * (running-transaction records) can stay unconfirmed for seconds though v2 has nothing left to apply.
   */
  v2?: pg.Client;
}

export async function confirmCurrentPosition(
  v1: pg.Client,
  names: StreamNames,
  options: CatchUpOptions,
): Promise<{ lsn: string; ms: number } | { lsn: string; behind: number }> {
  const started = Date.now();
  // The insert position, not pg_current_wal_lsn (the write position): with synchronous_commit off, a
  // COMMIT returns before its record is written out, and a target taken from the write position would
  // end the wait before v2 has transactions the application was told were committed.
  const target = (
    await v1.query<{ lsn: string }>('SELECT pg_catalog.pg_current_wal_insert_lsn()::text AS lsn')
  ).rows[0]!.lsn;
  for (;;) {
    const { rows } = await v1.query<{ behind: string | null }>(
      `SELECT pg_catalog.pg_wal_lsn_diff($2::pg_lsn, confirmed_flush_lsn) AS behind
         FROM pg_catalog.pg_replication_slots WHERE slot_name = $1`,
      [names.slot, target],
    );
    if (rows.length === 0)
      throw new Error(`the replication slot ${names.slot} is gone from v1: v2 cannot catch up`);
    const behind = Number(rows[0]!.behind ?? Number.POSITIVE_INFINITY);
    const subscription = names.subscription;
    if (
      behind <= 0 ||
      (options.v2 && subscription && (await appliedOnV2(options.v2, subscription, target)))
    ) {
      return { lsn: target, ms: Date.now() - started };
    }
    if (Date.now() - started > options.timeoutMs) return { lsn: target, behind };
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
  }
}

/**
 * Whether v2 has applied everything up to `lsn`: its apply worker received that far (each change is
 * applied before the next message is read) and, read afterwards, waits for more in its main loop, so
 * nothing it received is still being applied.
 */
async function appliedOnV2(v2: pg.Client, subscription: string, lsn: string): Promise<boolean> {
  const received = await v2.query<{ pid: number }>(
    `SELECT pid FROM pg_catalog.pg_stat_subscription
      WHERE subname = $1 AND relid IS NULL AND pid IS NOT NULL AND received_lsn >= $2::pg_lsn`,
    [subscription, lsn],
  );
  const pid = received.rows[0]?.pid;
  if (pid === undefined) return false;
  const idle = await v2.query(
    `SELECT 1 FROM pg_catalog.pg_stat_activity WHERE pid = $1 AND wait_event = 'LogicalApplyMain'`,
    [pid],
  );
  return idle.rowCount === 1;
}
