import type { ColumnInfo, TableInfo } from '../catalog.js';
import { qualifiedName, quoteIdent } from '../connection.js';
import { columnDigest } from './column-digest.js';
import type { ColumnForms } from './column-forms.js';

/** The alias every parity query gives the table, so that a column named like a function still resolves. */
const ALIAS = 't';

function column(name: string): string {
  return `${ALIAS}.${quoteIdent(name)}`;
}

/** Column names in one fixed order on both sides: by name (code units), so column order alone does not differ. */
export function columnOrder(columns: readonly ColumnInfo[]): string[] {
  return columns.map((c) => c.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * A row's text rendering, as a client reads it: each value through its type's output function under the
 * pinned session settings, combined by the record output, which quotes what needs quoting. NULL renders as
 * nothing and '' as `""`, 'a ' is quoted and 'a' is not: neither pair collides, whatever `=` says of them.
 */
export function rowText(columns: readonly ColumnInfo[]): string {
  return `ROW(${columnOrder(columns).map(column).join(', ')})::text`;
}

/** md5 of the row's rendering, 32 hex digits. */
export function rowHash(columns: readonly ColumnInfo[]): string {
  return `pg_catalog.md5(${rowText(columns)})`;
}

/** The primary key's rendering, as a difference is listed: the value itself, or a record for a composite key. */
export function keyText(primaryKey: readonly string[]): string {
  if (primaryKey.length === 1) return `${column(primaryKey[0]!)}::text`;
  return `ROW(${primaryKey.map(column).join(', ')})::text`;
}

/**
 * How a row is digested for the checksum. `hashtext`: each column hashed to 64 bits by the server's own
 * hash functions (on its rendering, or on a binary form one-to-one with it: column-forms.ts), seeded by its
 * place in the column order, the columns' hashes XORed into one 64-bit digest of the row; several times
 * faster than md5 over a record's text (the record output copies byte by byte). Its values depend on the
 * machine's byte order, so it is used only when both sides are seen to agree on it (digest.ts). One 64-bit
 * digest per row, where there were two: a second family of column hashes cost a second hash of every
 * value, about a quarter of the time, against a chance of 2^-64 that a changed row keeps its digest.
 * `md5`: two 64-bit slices of the md5 of the row's record text, the same on every machine.
 */
export type RowDigest = 'hashtext' | 'md5';

/** How one side's rows are hashed for the checksum. */
export interface RowHashing {
  digest: RowDigest;
  /** Columns hashed in a binary form, the same on both sides (column-forms.ts). */
  forms: ColumnForms;
  /** This side's types whose cast to text is their output function (text-casts.ts). */
  castThroughOutput: ReadonlySet<string>;
}

/** The row's 64-bit digest: its columns' hashes XORed, in the fixed column order. */
function rowDigest(columns: readonly ColumnInfo[], hashing: RowHashing): string {
  if (columns.length === 0) return '0::bigint';
  const byName = new Map(columns.map((c) => [c.name, c]));
  return columnOrder(columns)
    .map((name, place) =>
      columnDigest(
        byName.get(name)!,
        column(name),
        place,
        hashing.forms.get(name),
        hashing.castThroughOutput,
      ),
    )
    .join(' # ');
}

/**
 * What keeps the planner from pulling the per-row subquery up into the sums, which would compute each row's
 * digest (and render its values) once per sum: a volatile function in the subquery's output, which
 * PostgreSQL never duplicates. OFFSET 0 did the same until now, but a LIMIT/OFFSET cannot run in parallel
 * workers; this leaves the scan parallel (the function is parallel safe), so a large range is read by several
 * processes. pg_is_in_recovery(): volatile (recovery can end mid-query) and, once the server is seen out of
 * recovery, a read of a variable; clock_timestamp() would cost a clock read per row.
 */
const UNFLATTENED = 'pg_catalog.pg_is_in_recovery() AS unflattened';

/**
 * Count and two sums over the range's rows, one row back, all computed in the server in one pass:
 * order-independent, and unlike an XOR over rows a duplicated row adds itself twice. Sums of bigint are
 * exact (numeric, with an int128 fast path), so nothing wraps. `hashtext`: the sum of the rows' 64-bit
 * digests, and the sum of those digests hashed once more, so that two different sets of digests that
 * happen to sum alike still differ. `md5`: the sums of the two halves of each row's md5.
 */
export function checksumQuery(
  columns: readonly ColumnInfo[],
  table: TableInfo,
  where: string,
  hashing: RowHashing,
): string {
  const from = `${qualifiedName(table)} ${ALIAS} WHERE ${where}`;
  if (hashing.digest === 'hashtext') {
    return `SELECT count(*)::text AS rows,
       coalesce(sum(r.d), 0)::text AS sum1,
       coalesce(sum(pg_catalog.hashint8extended(r.d, -1)), 0)::text AS sum2
  FROM (SELECT ${rowDigest(columns, hashing)} AS d, ${UNFLATTENED} FROM ${from}) AS r`;
  }
  return `SELECT count(*)::text AS rows,
       coalesce(sum(('x' || substr(h, 1, 16))::bit(64)::bigint), 0)::text AS sum1,
       coalesce(sum(('x' || substr(h, 17, 16))::bit(64)::bigint), 0)::text AS sum2
  FROM (SELECT ${rowHash(columns)} AS h, ${UNFLATTENED} FROM ${from}) AS r`;
}

/** Each row's key and hash, for listing which keys of a small differing range differ, in key order. */
export function keyedHashesQuery(
  columns: readonly ColumnInfo[],
  table: TableInfo,
  primaryKey: readonly string[],
  where: string,
): string {
  // In key order (the type's own), so that listed keys read 9, 10, 11 rather than as text sorts them.
  return `SELECT ${keyText(primaryKey)} AS key, ${rowHash(columns)} AS h FROM ${qualifiedName(table)} ${ALIAS}
   WHERE ${where} ORDER BY ${primaryKey.map(column).join(', ')}`;
}

/** Without a key a row is only its content: distinct hashes with their multiplicity, grouped in the server. */
export function rowMultisetQuery(columns: readonly ColumnInfo[], table: TableInfo, where: string): string {
  return `SELECT h, count(*)::int AS n FROM (SELECT ${rowHash(columns)} AS h FROM ${qualifiedName(table)} ${ALIAS} WHERE ${where}) AS r GROUP BY h`;
}
