import type pg from 'pg';
import { listSequences, SYSTEM_SCHEMA_FILTER } from '../catalog.js';
import { qualifiedName } from '../connection.js';
import type { SequenceParity, SequenceParityStatus } from './types.js';

/** A sequence's position: the value nextval returns next, and which way it counts. */
export interface SequenceState {
  schema: string;
  name: string;
  next: bigint;
  descending: boolean;
}

/** Every sequence of the application, keyed by qualified name. */
export async function readSequences(client: pg.Client): Promise<Map<string, SequenceState>> {
  const sequences = await listSequences(client);
  const increments = await client.query<{ schema: string; name: string; increment: string }>(
    `SELECT n.nspname AS schema, c.relname AS name, s.seqincrement::text AS increment
       FROM pg_catalog.pg_sequence s
       JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE ${SYSTEM_SCHEMA_FILTER}`,
  );
  const incrementOf = new Map(increments.rows.map((r) => [qualifiedName(r), BigInt(r.increment)]));
  const state = new Map<string, SequenceState>();
  for (const sequence of sequences) {
    const key = qualifiedName(sequence);
    const increment = incrementOf.get(key) ?? 1n;
    const last = BigInt(sequence.lastValue);
    // Not yet called (fresh, or setval(…, false)): nextval returns last_value itself.
    const next = sequence.isCalled ? last + increment : last;
    state.set(key, { schema: sequence.schema, name: sequence.name, next, descending: increment < 0n });
  }
  return state;
}

function statusOf(v1: SequenceState, v2: SequenceState): SequenceParityStatus {
  if (v1.next === v2.next) return 'equal';
  const ahead = v1.descending ? v2.next < v1.next : v2.next > v1.next;
  return ahead ? 'ahead' : 'behind';
}

/**
 * Each sequence on either side. v2 behind v1 would hand out values v1 already gave to rows (duplicate
 * keys after cutover); ahead only leaves a gap, which is reported and passes.
 */
export function compareSequences(
  v1: ReadonlyMap<string, SequenceState>,
  v2: ReadonlyMap<string, SequenceState>,
): SequenceParity[] {
  const names = [...new Set([...v1.keys(), ...v2.keys()])].sort();
  return names.map((sequence) => {
    const a = v1.get(sequence);
    const b = v2.get(sequence);
    const either = (a ?? b)!;
    const entry: SequenceParity = {
      schema: either.schema,
      name: either.name,
      sequence,
      status: !a ? 'extra-on-v2' : !b ? 'missing-on-v2' : statusOf(a, b),
    };
    if (a) entry.v1Next = a.next.toString();
    if (b) entry.v2Next = b.next.toString();
    return entry;
  });
}
