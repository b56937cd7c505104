import type pg from 'pg';
import type { ColumnInfo, TableInfo } from './catalog.js';
import { qualifiedName, quoteIdent } from './connection.js';

/**
 * A slice of a table by primary key: `lower` inclusive, `upper` exclusive, each the key's text rendering
 * (under the pinned session settings) or absent for an open end. The copy loads ranges in parallel, and the
 * parity checksums them separately so that a difference is pinpointed to one range.
 */
export interface KeyRange {
  index: number;
  lower?: string;
  upper?: string;
}

/** Bytes per range when the user gives no count: large enough that a range's overhead does not matter. */
const BYTES_PER_RANGE = 64 * 1024 * 1024;
const ROWS_PER_RANGE = 500_000;
const MAX_DEFAULT_RANGES = 32;
/** Keys sampled to place the boundaries of a large table: enough for even ranges, cheap to read. */
const SAMPLE_ROWS = 100_000;

/** The one key column of a table that can be split, or undefined (no key, or a composite key). */
function splitColumn(table: TableInfo): ColumnInfo | undefined {
  if (table.primaryKey.length !== 1) return undefined;
  return table.columns.find((c) => c.name === table.primaryKey[0]);
}

/**
 * The key as ranges compare it. Text-like keys compare in "C" order on both sides: two servers may sort a
 * collation differently (another glibc), and the same boundaries must cut both at the same rows.
 */
function keyExpression(column: ColumnInfo): string {
  return column.collatable ? `${quoteIdent(column.name)} COLLATE "C"` : quoteIdent(column.name);
}

/** Ranges for a table when none were asked for: one per 64 MB or 500,000 rows, at most 32. */
export function defaultRangeCount(table: TableInfo): number {
  if (!splitColumn(table)) return 1;
  const bySize = Math.ceil(table.estimatedBytes / BYTES_PER_RANGE);
  const byRows = Math.ceil(table.estimatedRows / ROWS_PER_RANGE);
  return Math.min(MAX_DEFAULT_RANGES, Math.max(1, bySize, byRows));
}

/**
 * Splits a table with a single-column primary key into up to `parts` ranges whose boundaries follow the
 * key's distribution (percentiles over the table, or over a sample of it when large), computed on `client`
 * (v1's side). A composite or missing key gives one unbounded range.
 */
export async function planKeyRanges(client: pg.Client, table: TableInfo, parts: number): Promise<KeyRange[]> {
  const column = splitColumn(table);
  if (!column || parts <= 1) return [{ index: 0 }];
  const fractions = Array.from({ length: parts - 1 }, (_, i) => (i + 1) / parts);
  const key = keyExpression(column);
  const samplePercent =
    table.estimatedRows > SAMPLE_ROWS * 2 ? Math.min(100, (100 * SAMPLE_ROWS) / table.estimatedRows) : 100;
  const from =
    samplePercent < 100
      ? `${qualifiedName(table)} TABLESAMPLE SYSTEM (${samplePercent.toFixed(6)})`
      : qualifiedName(table);
  const result = await client.query<{ bounds: string[] | null }>(
    `SELECT (percentile_disc($1::float8[]) WITHIN GROUP (ORDER BY ${key}))::text[] AS bounds FROM ${from}`,
    [fractions],
  );
  // Equal percentiles (few distinct keys, or a thin sample) would make empty ranges: keep each boundary once.
  const bounds = [...new Set((result.rows[0]?.bounds ?? []).filter((b): b is string => b !== null))];
  if (bounds.length === 0) return [{ index: 0 }];
  const ranges: KeyRange[] = [];
  for (let i = 0; i <= bounds.length; i++) {
    const range: KeyRange = { index: i };
    if (i > 0) range.lower = bounds[i - 1]!;
    if (i < bounds.length) range.upper = bounds[i]!;
    ranges.push(range);
  }
  return ranges;
}

/**
 * The WHERE clause selecting a range, with its bounds as parameters `$firstParam…` cast to the key's type
 * (so that they compare as keys, not as text). `true` for an unbounded range.
 */
export function rangePredicate(
  table: TableInfo,
  range: KeyRange,
  firstParam = 1,
): { sql: string; params: string[] } {
  const column = splitColumn(table);
  if (!column || (range.lower === undefined && range.upper === undefined)) return { sql: 'true', params: [] };
  const key = keyExpression(column);
  const clauses: string[] = [];
  const params: string[] = [];
  if (range.lower !== undefined) {
    params.push(range.lower);
    clauses.push(`${key} >= $${firstParam + params.length - 1}::${column.type}`);
  }
  if (range.upper !== undefined) {
    params.push(range.upper);
    clauses.push(`${key} < $${firstParam + params.length - 1}::${column.type}`);
  }
  return { sql: clauses.join(' AND '), params };
}

/** `[lower, upper)` for messages: where a difference was found. */
export function describeRange(range: KeyRange): string {
  if (range.lower === undefined && range.upper === undefined) return 'whole table';
  return `[${range.lower ?? '-∞'}, ${range.upper ?? '+∞'})`;
}
