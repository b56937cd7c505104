import type pg from 'pg';
import { qualifiedName } from './connection.js';

/**
 * Schemas that belong to PostgreSQL itself, as a predicate on `n.nspname`. Everything else is the
 * application's and is copied and compared, not only `public` (the guide looks at `public` alone).
 */
export const SYSTEM_SCHEMA_FILTER =
  "n.nspname <> 'pg_catalog' AND n.nspname <> 'information_schema' " +
  "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'";

export interface ColumnInfo {
  name: string;
  /** `format_type(atttypid, atttypmod)`: e.g. `numeric(20,6)`, `text[]`, `public.mood`. */
  type: string;
  notNull: boolean;
  /** A generated column: computed by the server, never copied. */
  generated: boolean;
  /** The type sorts by a collation (text, varchar, …): key ranges then cut in "C" order on both sides. */
  collatable: boolean;
}

export interface TableInfo {
  schema: string;
  name: string;
  /** In attnum order, dropped columns excluded. */
  columns: ColumnInfo[];
  /** Column names in key order; empty when the table has no primary key. */
  primaryKey: string[];
  /** pg_class.reltuples; 0 when the table was never analyzed. */
  estimatedRows: number;
  /** pg_table_size: heap and TOAST, without indexes. */
  estimatedBytes: number;
  /** Qualified name of the parent when this table is a partition. */
  partitionOf?: string;
}

export interface SequenceInfo {
  schema: string;
  name: string;
  /** bigint as text: sequences may exceed Number's exact range. */
  lastValue: string;
  /** false: nextval returns lastValue itself (a fresh sequence, or setval(…, false)). */
  isCalled: boolean;
  ownedBy?: { schema: string; table: string; column: string };
}

interface TableRow {
  oid: string;
  schema: string;
  name: string;
  est_rows: number;
  est_bytes: string;
  parent: string | null;
  parent_schema: string | null;
}

/**
 * Every ordinary table of the application, partitions included and partitioned parents excluded (their
 * rows live in the partitions), sorted by schema and name.
 */
export async function listTables(client: pg.Client): Promise<TableInfo[]> {
  const tables = await client.query<TableRow>(
    `SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name,
            greatest(c.reltuples, 0)::float8 AS est_rows,
            pg_catalog.pg_table_size(c.oid) AS est_bytes,
            p.relname AS parent, pn.nspname AS parent_schema
       FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_catalog.pg_inherits i ON c.relispartition AND i.inhrelid = c.oid
       LEFT JOIN pg_catalog.pg_class p ON p.oid = i.inhparent
       LEFT JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
      WHERE c.relkind = 'r' AND c.relpersistence <> 't' AND ${SYSTEM_SCHEMA_FILTER}
      ORDER BY n.nspname COLLATE "C", c.relname COLLATE "C"`,
  );
  if (tables.rows.length === 0) return [];
  const oids = tables.rows.map((t) => t.oid);
  const columns = await client.query<{
    oid: string;
    name: string;
    type: string;
    not_null: boolean;
    generated: boolean;
    collatable: boolean;
  }>(
    `SELECT a.attrelid::text AS oid, a.attname AS name,
            pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS not_null, a.attgenerated <> '' AS generated, a.attcollation <> 0 AS collatable
       FROM pg_catalog.pg_attribute a
      WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attrelid, a.attnum`,
    [oids],
  );
  const keys = await client.query<{ oid: string; columns: string[] }>(
    `SELECT con.conrelid::text AS oid,
            array_agg(a.attname::text ORDER BY k.ordinality) AS columns
       FROM pg_catalog.pg_constraint con
       CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ordinality)
       JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
      WHERE con.contype = 'p' AND con.conrelid = ANY($1::oid[])
      GROUP BY con.conrelid`,
    [oids],
  );
  const columnsOf = new Map<string, ColumnInfo[]>();
  for (const c of columns.rows) {
    const list = columnsOf.get(c.oid) ?? [];
    list.push({
      name: c.name,
      type: c.type,
      notNull: c.not_null,
      generated: c.generated,
      collatable: c.collatable,
    });
    columnsOf.set(c.oid, list);
  }
  const keyOf = new Map(keys.rows.map((k) => [k.oid, k.columns]));
  return tables.rows.map((t) => ({
    schema: t.schema,
    name: t.name,
    columns: columnsOf.get(t.oid) ?? [],
    primaryKey: keyOf.get(t.oid) ?? [],
    estimatedRows: t.est_rows,
    estimatedBytes: Number(t.est_bytes),
    ...(t.parent && t.parent_schema
      ? { partitionOf: qualifiedName({ schema: t.parent_schema, name: t.parent }) }
      : {}),
  }));
}

/** Sequences read per statement, so that a schema with thousands stays within one query's size. */
const SEQUENCES_PER_QUERY = 200;

/** Every sequence of the application with its current state, read from the sequence itself. */
export async function listSequences(client: pg.Client): Promise<SequenceInfo[]> {
  const found = await client.query<{
    schema: string;
    name: string;
    owner_schema: string | null;
    owner_table: string | null;
    owner_column: string | null;
  }>(
    `SELECT n.nspname AS schema, c.relname AS name,
            tn.nspname AS owner_schema, t.relname AS owner_table, a.attname AS owner_column
       FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_catalog.pg_depend d
              ON d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
             AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype IN ('a', 'i')
       LEFT JOIN pg_catalog.pg_class t ON t.oid = d.refobjid
       LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
       LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      WHERE c.relkind = 'S' AND ${SYSTEM_SCHEMA_FILTER}
      ORDER BY n.nspname COLLATE "C", c.relname COLLATE "C"`,
  );
  const sequences: SequenceInfo[] = [];
  for (let start = 0; start < found.rows.length; start += SEQUENCES_PER_QUERY) {
    const batch = found.rows.slice(start, start + SEQUENCES_PER_QUERY);
    // last_value and is_called live in the sequence relation itself; pg_sequences hides is_called.
    const values = await client.query<{ i: number; last_value: string; is_called: boolean }>(
      batch
        .map((s, i) => `SELECT ${i} AS i, last_value::text, is_called FROM ${qualifiedName(s)}`)
        .join(' UNION ALL '),
    );
    const byIndex = new Map(values.rows.map((v) => [Number(v.i), v]));
    batch.forEach((s, i) => {
      const value = byIndex.get(i)!;
      sequences.push({
        schema: s.schema,
        name: s.name,
        lastValue: value.last_value,
        isCalled: value.is_called,
        ...(s.owner_schema && s.owner_table && s.owner_column
          ? { ownedBy: { schema: s.owner_schema, table: s.owner_table, column: s.owner_column } }
          : {}),
      });
    });
  }
  return sequences;
}
