import type { ColumnInfo, TableInfo } from '../catalog.js';

/**
 * How the `hashtext` digest hashes a column's values without rendering them as text. Used only where the
 * hashed form is one-to-one with the value's text rendering on every server and version, so that it tells
 * two values apart exactly when a client would read them differently, and only where both sides' columns
 * get the same form (they hash alike only if they compute alike):
 *   - `integer`: smallint, integer or bigint on both sides (in any mix): a whole number renders as its
 *     decimal digits, one rendering per number. The three types hash a number alike (PostgreSQL's
 *     cross-type hash family), so int4 on v1 and int8 on v2 holding the same numbers still agree.
 *   - `boolean`: `t` or `f`.
 *   - `uuid`: the 16 bytes, rendered always as the same lower-case hex.
 *   - `bpchar`: `character(n)` with the same n on both sides. A value of the column is always n characters,
 *     blank-padded, and renders as such; the type's hash drops the trailing blanks, which for a fixed n
 *     loses nothing (unbounded `bpchar`, where 'a' and 'a ' render differently, is rendered instead).
 * Everything else is rendered through its type's output function: numeric (1.0 is not 1.00), float (-0),
 * jsonb, arrays (bounds, NULL elements), timestamps (the built-in hash folds their 64 bits to 32 before
 * hashing, so its input is not one-to-one with the value), date, interval, bytea, enum, domains, and any
 * type whose columns differ between the sides.
 */
export type BinaryForm = 'integer' | 'boolean' | 'uuid' | 'bpchar';

/** Columns hashed in a binary form, by name; the others are hashed on their rendering. */
export type ColumnForms = ReadonlyMap<string, BinaryForm>;

const INTEGER_TYPES = new Set(['smallint', 'integer', 'bigint']);

function formOf(type1: string, type2: string): BinaryForm | undefined {
  if (INTEGER_TYPES.has(type1) && INTEGER_TYPES.has(type2)) return 'integer';
  if (type1 !== type2) return undefined;
  if (type1 === 'boolean') return 'boolean';
  if (type1 === 'uuid') return 'uuid';
  if (/^character\(\d+\)$/.test(type1)) return 'bpchar';
  return undefined;
}

/**
 * The binary forms of a table's columns, from its columns on both sides (by name). A table on one side only
 * is not compared row by row, so its own columns stand for both.
 */
export function columnForms(v1: TableInfo | undefined, v2: TableInfo | undefined): ColumnForms {
  const a = (v1 ?? v2)?.columns ?? [];
  const b = new Map<string, ColumnInfo>(((v2 ?? v1)?.columns ?? []).map((c) => [c.name, c]));
  const forms = new Map<string, BinaryForm>();
  for (const column of a) {
    const other = b.get(column.name);
    const form = other ? formOf(column.type, other.type) : undefined;
    if (form) forms.set(column.name, form);
  }
  return forms;
}
