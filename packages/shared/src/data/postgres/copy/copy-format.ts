import type pg from 'pg';
import { SYSTEM_SCHEMA_FILTER } from '../catalog.js';

/** PostgreSQL's FirstNormalObjectId: OIDs below are built in and equal on every server. */
const FIRST_USER_OID = 16384;

/**
 * Tables whose rows must travel as text. Binary COPY writes an array's element type and a composite's field
 * types as OIDs, and the receiving server refuses OIDs that are not its own ("wrong element type"): an
 * array of an enum or a composite created on each server separately has a different OID on each. Text is
 * exact too (the pinned session settings make both servers render and read values alike), only slower.
 */
export async function tablesNeedingText(client: pg.Client): Promise<Set<string>> {
  const result = await client.query<{ name: string }>(
    `SELECT DISTINCT n.nspname || '.' || c.relname AS name
       FROM pg_catalog.pg_attribute a
       JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_catalog.pg_type t0 ON t0.oid = a.atttypid
       JOIN pg_catalog.pg_type t ON t.oid = CASE WHEN t0.typtype = 'd' THEN t0.typbasetype ELSE t0.oid END
      WHERE c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
        AND ${SYSTEM_SCHEMA_FILTER}
        AND (t.typtype = 'c' OR (t.typelem <> 0 AND t.typlen = -1 AND t.typelem >= ${FIRST_USER_OID}))`,
  );
  return new Set(result.rows.map((r) => r.name));
}
