import type { ColumnInfo, TableInfo } from '../catalog.js';

/**
 * How the `hashtext` digest hashes a column's values without rendering them as text. Used only where the
 * hashed form is one-to-one with the value's text rendering (under the pinned session settings) on every
 * server and version, so that it tells two values apart exactly when a client would read them differently,
 * and only where both sides' columns get the same form (they hash alike only if they compute alike):
 *   - `int4`, `int8`: smallint, integer or bigint on both sides, in any mix (`int8` when either is bigint):
 *     a whole number renders as its decimal digits, one rendering per number. The three types hash a number
 *     alike (PostgreSQL's cross-type hash family), so int4 on v1 and int8 on v2 holding the same numbers
 *     still agree.
 *   - `boolean`: `t` or `f`.
 *   - `uuid`: the 16 bytes, rendered always as the same lower-case hex.
 *   - `bpchar`: `character(n)` with the same n on both sides. A value of the column is always n characters,
 *     blank-padded, and renders as such; the type's hash drops the trailing blanks, which for a fixed n
 *     loses nothing (unbounded `bpchar`, where 'a' and 'a ' render differently, is rendered instead).
 *   - `timestamp`: the same timestamp type on both sides (with or without time zone, the same precision),
 *     on servers that have date_bin (PostgreSQL 14): a timestamp is a count of microseconds, each rendering
 *     (UTC, ISO) one count; how it is hashed, and which values are rendered all the same: column-digest.ts.
 * Everything else is rendered through its type's output function: numeric (1.0 is not 1.00), float (-0),
 * jsonb, arrays (bounds, NULL elements), date, interval, bytea, enum, domains, and any type whose columns
 * differ between the sides (timestamp on one, timestamptz on the other render differently).
 */
export type BinaryForm = 'int4' | 'int8' | 'boolean' | 'uuid' | 'bpchar' | 'timestamp';

/** Columns hashed in a binary form, by name; the others are hashed on their rendering. */
export type ColumnForms = ReadonlyMap<string, BinaryForm>;

/** What both servers can compute, which some forms need. */
export interface FormCapabilities {
  /** Both servers have date_bin (PostgreSQL 14 and later). */
  dateBin: boolean;
}

const INTEGER_TYPES = new Set(['smallint', 'integer', 'bigint']);
const TIMESTAMP_TYPE = /^timestamp(\(\d\))? with(out)? time zone$/;

function formOf(type1: string, type2: string, can: FormCapabilities): BinaryForm | undefined {
  if (INTEGER_TYPES.has(type1) && INTEGER_TYPES.has(type2)) {
    return type1 === 'bigint' || type2 === 'bigint' ? 'int8' : 'int4';
  }
  if (type1 !== type2) return undefined;
  if (type1 === 'boolean') return 'boolean';
  if (type1 === 'uuid') return 'uuid';
  if (/^character\(\d+\)$/.test(type1)) return 'bpchar';
  if (TIMESTAMP_TYPE.test(type1) && can.dateBin) return 'timestamp';
  return undefined;
}

/**
 * The binary forms of a table's columns, from its columns on both sides (by name). A table on one side only
 * is not compared row by row, so its own columns stand for both.
 */
export function columnForms(
  v1: TableInfo | undefined,
  v2: TableInfo | undefined,
  can: FormCapabilities,
): ColumnForms {
  const a = (v1 ?? v2)?.columns ?? [];
  const b = new Map<string, ColumnInfo>(((v2 ?? v1)?.columns ?? []).map((c) => [c.name, c]));
  const forms = new Map<string, BinaryForm>();
  for (const column of a) {
    const other = b.get(column.name);
    const form = other ? formOf(column.type, other.type, can) : undefined;
    if (form) forms.set(column.name, form);
  }
  return forms;
}
