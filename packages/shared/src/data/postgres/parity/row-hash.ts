import type { ColumnInfo, TableInfo } from '../catalog.js';
import { qualifiedName, quoteIdent } from '../connection.js';

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
 * How a row becomes two 64-bit numbers. `hashtext`: each column's rendering hashed by the server's own
 * 64-bit text hash, seeded by its place in the column order, the columns' hashes XORed; several times
 * faster than md5 over a record's text on wide text columns (the record output copies byte by byte). Its
 * values depend on the machine's byte order, so it is used only when both sides are seen to agree on it
 * (digest.ts). `md5`: two 64-bit slices of the md5 of the row's record text, the same on every machine.
 */
export type RowDigest = 'hashtext' | 'md5';

/** text and varchar render as themselves: no output function to call. */
function rendersAsItself(type: string): boolean {
  return type === 'text' || /^character varying(\(\d+\))?$/.test(type);
}

/**
 * A column's value as a client reads it, NULL kept apart: concat() calls the type's output function, as
 * the record output does (a cast to text would not: it drops a char(n)'s padding, an inet's /32, and
 * spells booleans out).
 */
function renderedColumn(c: ColumnInfo): string {
  const ref = column(c.name);
  if (rendersAsItself(c.type)) return ref;
  return `CASE WHEN ${ref} IS NULL THEN NULL ELSE pg_catalog.concat(${ref}) END`;
}

/**
 * One 64-bit digest of a row from its rendered columns x0…: per column a hash seeded by place and family
 * (so a value moved to another column changes it), a constant of its own for NULL (so NULL is not ''),
 * XORed across the columns of the row. "C": a nondeterministic collation would hash a sort key instead.
 */
function columnsDigest(count: number, family: 0 | 1): string {
  if (count === 0) return '0::bigint';
  return Array.from(
    { length: count },
    (_, i) =>
      `coalesce(pg_catalog.hashtextextended(r.x${i} COLLATE "C", ${2 * i + family}), ${-(2 * i + family + 1)})`,
  ).join(' # ');
}

/**
 * Count and two sums of 64-bit digests of each row's rendering: order-independent, and unlike an XOR over
 * rows a duplicated row adds itself twice. Sums of bigint are exact (numeric, with an int128 fast path),
 * so nothing wraps. One pass over the range, all in the server; one row comes back. OFFSET 0 keeps the
 * subquery from being folded into the sums, which would render every row once per sum.
 */
export function checksumQuery(
  columns: readonly ColumnInfo[],
  table: TableInfo,
  where: string,
  digest: RowDigest,
): string {
  const from = `${qualifiedName(table)} ${ALIAS} WHERE ${where} OFFSET 0`;
  if (digest === 'hashtext') {
    const byName = new Map(columns.map((c) => [c.name, c]));
    const rendered = columnOrder(columns).map((name, i) => `${renderedColumn(byName.get(name)!)} AS x${i}`);
    return `SELECT count(*)::text AS rows,
       coalesce(sum(${columnsDigest(rendered.length, 0)}), 0)::text AS sum1,
       coalesce(sum(${columnsDigest(rendered.length, 1)}), 0)::text AS sum2
  FROM (SELECT ${rendered.length > 0 ? rendered.join(', ') : 'NULL AS none'} FROM ${from}) AS r`;
  }
  return `SELECT count(*)::text AS rows,
       coalesce(sum(('x' || substr(h, 1, 16))::bit(64)::bigint), 0)::text AS sum1,
       coalesce(sum(('x' || substr(h, 17, 16))::bit(64)::bigint), 0)::text AS sum2
  FROM (SELECT ${rowHash(columns)} AS h FROM ${from}) AS r`;
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
