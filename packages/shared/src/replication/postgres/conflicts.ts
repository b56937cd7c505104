import type pg from 'pg';
import type { AdvancedSequence } from './sequences.js';
import type { ReplicationNames } from './names.js';

/*
 * What an overlap can get wrong, read when replication stops. PostgreSQL 15 has no conflict resolution:
 * a row v1 sends that v2 already holds under the same key stops the apply worker with a duplicate-key
 * error, retried every 5 s (replication.md §1.5), and pg_stat_subscription_stats counts each attempt.
 * And the sequence headroom holds only while v1 hands out fewer ids than it: a sequence v1 moved past the
 * value v2 started from means both sides may have handed out the same ids.
 */

export async function applyErrorCount(v2: pg.Client, names: ReplicationNames): Promise<number> {
  const { rows } = await v2.query<{ n: string | null }>(
    'SELECT apply_error_count::text AS n FROM pg_catalog.pg_stat_subscription_stats WHERE subname = $1',
    [names.subscription],
  );
  return Number(rows[0]?.n ?? 0);
}

export interface OvertakenSequence {
  schema: string;
  name: string;
  /** Where v2 was set to start from. */
  v2: string;
  /** v1's last value now, past v2's start. */
  v1: string;
}

export async function overtakenSequences(
  v1: pg.Client,
  advanced: readonly AdvancedSequence[],
): Promise<OvertakenSequence[]> {
  if (advanced.length === 0) return [];
  const { rows } = await v1.query<{ schema: string; name: string; last: string | null; increment: string }>(
    `SELECT schemaname AS schema, sequencename AS name, last_value::text AS last, increment_by::text AS increment
       FROM pg_catalog.pg_sequences WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`,
  );
  const now = new Map(rows.map((r) => [`${r.schema}.${r.name}`, r]));
  return advanced.flatMap((s) => {
    const row = now.get(`${s.schema}.${s.name}`);
    if (!row?.last) return [];
    const passed =
      BigInt(row.increment) > 0n ? BigInt(row.last) >= BigInt(s.v2) : BigInt(row.last) <= BigInt(s.v2);
    return passed ? [{ schema: s.schema, name: s.name, v2: s.v2, v1: row.last }] : [];
  });
}
