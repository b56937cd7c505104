import type pg from 'pg';
import type { TableInfo } from '../catalog.js';
import { rangePredicate, type KeyRange } from '../ranges.js';
import { keyedHashesQuery, rowMultisetQuery } from './row-hash.js';
import type { KeyDifference } from './types.js';

/**
 * Rows per side above which a differing range's keys are not listed: listing ships each row's key and
 * hash to the client, which is cheap for a range this size and not for a whole large table.
 */
export const KEY_LISTING_ROW_LIMIT = 100_000;

/** The same table on each side, with the session of the lane doing the listing. */
export interface ListingSides {
  v1: { client: pg.Client; table: TableInfo };
  v2: { client: pg.Client; table: TableInfo };
  /** v1's primary key (which v2 has the columns of): what keys are and ranges are cut on. */
  key: readonly string[];
}

/**
 * Keys of one range that differ: on v1 only, on v2 only (a key v2 holds twice counts once more), or on
 * both with other content. At most `limit`; `more` says whether there were others.
 */
export async function differingKeys(
  sides: ListingSides,
  range: KeyRange,
  limit: number,
): Promise<{ keys: KeyDifference[]; more: boolean }> {
  const { sql, params } = rangePredicate(sides.v1.table, range);
  const read = ({ client, table }: ListingSides['v1']) =>
    client.query<{ key: string; h: string }>(keyedHashesQuery(table.columns, table, sides.key, sql), params);
  const [rows1, rows2] = await Promise.all([read(sides.v1), read(sides.v2)]);
  const onV2 = new Map<string, string[]>();
  for (const { key, h } of rows2.rows) onV2.set(key, [...(onV2.get(key) ?? []), h]);
  const found: KeyDifference[] = [];
  let more = false;
  const add = (difference: KeyDifference): void => {
    if (found.length < limit) found.push(difference);
    else more = true;
  };
  for (const { key, h } of rows1.rows) {
    const hashes = onV2.get(key);
    const other = hashes?.shift();
    if (other === undefined) add({ key, kind: 'missing-on-v2' });
    else if (other !== h) add({ key, kind: 'changed' });
  }
  for (const row of rows2.rows) {
    const left = onV2.get(row.key);
    if (left && left.length > 0) {
      left.shift();
      add({ key: row.key, kind: 'extra-on-v2' });
    }
  }
  return { keys: found, more };
}

/**
 * A table without a key: its rows as a multiset of hashes on each side, and how many rows (counting each
 * copy of a duplicated row) only one side holds.
 */
export async function unmatchedRows(
  sides: Omit<ListingSides, 'key'>,
  range: KeyRange,
): Promise<{ onlyOnV1: number; onlyOnV2: number }> {
  const { sql, params } = rangePredicate(sides.v1.table, range);
  const read = async ({ client, table }: ListingSides['v1']) => {
    const result = await client.query<{ h: string; n: number }>(
      rowMultisetQuery(table.columns, table, sql),
      params,
    );
    return new Map(result.rows.map((r) => [r.h, r.n]));
  };
  const [rows1, rows2] = await Promise.all([read(sides.v1), read(sides.v2)]);
  let onlyOnV1 = 0;
  let onlyOnV2 = 0;
  for (const [h, n] of rows1) onlyOnV1 += Math.max(0, n - (rows2.get(h) ?? 0));
  for (const [h, n] of rows2) onlyOnV2 += Math.max(0, n - (rows1.get(h) ?? 0));
  return { onlyOnV1, onlyOnV2 };
}
