import type pg from 'pg';
import type { SourceTable } from './catalog.js';

/** A table's row count and an md5 of its rows in primary-key order. */
interface Digest {
  rows: number;
  md5: string;
}

async function digest(client: pg.Client, table: SourceTable): Promise<Digest> {
  const columns = table.columns.map((c) => client.escapeIdentifier(c)).join(', ');
  const order = table.primaryKey.map((c) => client.escapeIdentifier(c)).join(', ');
  const { rows } = await client.query<{ rows: string; md5: string }>(
    `SELECT count(*)::text AS rows, md5(coalesce(string_agg(md5(ROW(${columns})::text), '' ORDER BY ${order}), '')) AS md5
       FROM ONLY ${table.qualified}`,
  );
  return { rows: Number(rows[0]!.rows), md5: rows[0]!.md5 };
}

/**
 * Full-load validation, as DMS's: the source (read in the load's snapshot) against the target. Returns
 * the records found different: 0 when both match, else at least 1 (the count difference when larger).
 */
export async function validateTable(
  table: SourceTable,
  source: pg.Client,
  target: pg.Client,
): Promise<number> {
  const [a, b] = [await digest(source, table), await digest(target, table)];
  if (a.rows === b.rows && a.md5 === b.md5) return 0;
  return Math.max(1, Math.abs(a.rows - b.rows));
}
