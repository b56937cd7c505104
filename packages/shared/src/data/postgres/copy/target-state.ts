import type pg from 'pg';
import { SYSTEM_SCHEMA_FILTER, type TableInfo } from '../catalog.js';
import { qualifiedName } from '../connection.js';

/** Every table (ordinary or partitioned) in the application's schemas, as `schema.name`. */
export async function listRelations(client: pg.Client): Promise<string[]> {
  const result = await client.query<{ name: string }>(
    `SELECT n.nspname || '.' || c.relname AS name
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND c.relpersistence <> 't' AND ${SYSTEM_SCHEMA_FILTER}
      ORDER BY n.nspname COLLATE "C", c.relname COLLATE "C"`,
  );
  return result.rows.map((r) => r.name);
}

/** Tables per statement when probing for rows: a schema with thousands stays within one query's size. */
const TABLES_PER_QUERY = 200;

/** The tables among `tables` that hold at least one row (of their own: ONLY), as `schema.name`. */
export async function tablesWithRows(
  client: pg.Client,
  tables: ReadonlyArray<Pick<TableInfo, 'schema' | 'name'>>,
): Promise<string[]> {
  const found: string[] = [];
  for (let start = 0; start < tables.length; start += TABLES_PER_QUERY) {
    const batch = tables.slice(start, start + TABLES_PER_QUERY);
    const result = await client.query<{ i: number }>(
      batch
        .map((t, i) => `SELECT ${i} AS i WHERE EXISTS (SELECT 1 FROM ONLY ${qualifiedName(t)})`)
        .join(' UNION ALL '),
    );
    for (const row of result.rows) {
      const table = batch[Number(row.i)]!;
      found.push(`${table.schema}.${table.name}`);
    }
  }
  return found;
}

/** `SHOW server_version_num` and `server_version` of a session. */
export async function serverVersion(client: pg.Client): Promise<{ num: number; text: string }> {
  const result = await client.query<{ num: string; text: string }>(
    `SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS text`,
  );
  return { num: Number(result.rows[0]!.num), text: result.rows[0]!.text };
}
