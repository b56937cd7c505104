import type pg from 'pg';
import type { TableInfo } from '../catalog.js';
import { qualifiedName } from '../connection.js';

/**
 * The types of the tables' columns (as format_type names them) whose cast to text is their output function:
 * a type with no cast of its own to text in pg_cast is cast "via I/O", through the output function a
 * client's rendering comes from. Those are rendered by cast, which is cheaper than concat() (no string
 * buffer per value). A type with a cast of its own (boolean spelt out, char(n) trimmed, inet without its
 * /32, or one an extension or a DBA added) or a domain (cast as its base type) is left out, and rendered by
 * concat(), which calls the output function whatever the casts say. Read on each side's own catalog: the
 * rendering is the same either way, so the sides need not agree on this.
 */
export async function typesCastThroughOutput(
  client: pg.Client,
  tables: readonly Pick<TableInfo, 'schema' | 'name'>[],
): Promise<Set<string>> {
  if (tables.length === 0) return new Set();
  const result = await client.query<{ name: string }>(
    `SELECT DISTINCT pg_catalog.format_type(a.atttypid, a.atttypmod) AS name
       FROM unnest($1::text[]) AS r(name)
       JOIN pg_catalog.pg_attribute a ON a.attrelid = pg_catalog.to_regclass(r.name)
       JOIN pg_catalog.pg_type ty ON ty.oid = a.atttypid
      WHERE a.attnum > 0 AND NOT a.attisdropped AND ty.typtype <> 'd'
        AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_cast c
                         WHERE c.castsource = ty.oid AND c.casttarget = 'pg_catalog.text'::pg_catalog.regtype)`,
    [tables.map(qualifiedName)],
  );
  return new Set(result.rows.map((r) => r.name));
}
