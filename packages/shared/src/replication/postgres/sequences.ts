import type pg from 'pg';
import { qualifiedName } from '../../data/postgres/connection.js';

/*
 * PostgreSQL 15's logical replication does not carry sequences (replication.md §1.4): v2's stay where the
 * copy left them while v1 hands out ids. Before any application writes to v2, each v2 sequence is set to
 * v1's value plus a headroom, so that v2 never hands out an id v1 already used, even one v1 hands out
 * between this read and the switch.
 */

export interface AdvancedSequence {
  schema: string;
  name: string;
  /** v1's last value (bigint as text), null when v1's sequence was never used. */
  v1: string | null;
  /** The value set on v2 (is_called true: v2's next value is the one after it). */
  v2: string;
}

interface SequenceRow {
  schema: string;
  name: string;
  last_value: string | null;
  start_value: string;
  increment_by: string;
  max_value: string;
  min_value: string;
}

export async function advanceSequences(
  v1: pg.Client,
  v2: pg.Client,
  headroom: bigint,
): Promise<AdvancedSequence[]> {
  const { rows } = await v1.query<SequenceRow>(
    `SELECT schemaname AS schema, sequencename AS name, last_value::text, start_value::text, increment_by::text,
            max_value::text, min_value::text
       FROM pg_catalog.pg_sequences
      WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
      ORDER BY 1, 2`,
  );
  const advanced = rows.map((row): AdvancedSequence => {
    const increment = BigInt(row.increment_by);
    const used = row.last_value === null ? BigInt(row.start_value) - increment : BigInt(row.last_value);
    // Counted in steps of the sequence's own increment: a descending sequence moves down by the headroom.
    const next = used + headroom * increment;
    const bounded = increment > 0n ? next <= BigInt(row.max_value) : next >= BigInt(row.min_value);
    if (!bounded) {
      throw new Error(
        `sequence ${row.schema}.${row.name}: v1's ${used} plus a headroom of ${headroom} steps passes its ` +
          `${increment > 0n ? `maximum ${row.max_value}` : `minimum ${row.min_value}`}; give a smaller headroom`,
      );
    }
    return { schema: row.schema, name: row.name, v1: row.last_value, v2: next.toString() };
  });
  if (advanced.length === 0) return advanced;
  await v2.query(
    `SELECT pg_catalog.setval(s.name::regclass, s.value::bigint, true)
       FROM unnest($1::text[], $2::text[]) AS s(name, value)`,
    [advanced.map((s) => qualifiedName(s)), advanced.map((s) => s.v2)],
  );
  return advanced;
}
