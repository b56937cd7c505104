import type pg from 'pg';
import { selects, type TableSelection } from './mappings.js';

/** A source table as the load and validation need it. */
export interface SourceTable {
  schema: string;
  name: string;
  /** `"schema"."name"` */
  qualified: string;
  /** Columns copied, in the table's order: generated columns are computed by the target itself. */
  columns: string[];
  primaryKey: string[];
  /** Tables this one references (foreign keys), as `qualified` names (always quoted, as escapeIdentifier quotes). */
  parents: string[];
}

/**
 * The source's tables that the mapping selects, parents before the tables referencing them, so that a
 * target with the same foreign keys accepts every load; partitions are left to their parent table.
 */
export async function selectedTables(client: pg.Client, selection: TableSelection): Promise<SourceTable[]> {
  const { rows } = await client.query<{
    oid: number;
    schema: string;
    name: string;
    columns: string[];
    primary_key: string[] | null;
    parents: string[] | null;
  }>(`
    SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS name,
      (SELECT array_agg(a.attname::text ORDER BY a.attnum) FROM pg_attribute a
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '') AS columns,
      (SELECT array_agg(a.attname::text ORDER BY array_position(i.indkey::int2[], a.attnum))
         FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
        WHERE i.indrelid = c.oid AND i.indisprimary) AS primary_key,
      (SELECT array_agg(DISTINCT '"' || replace(pn.nspname, '"', '""') || '"."' || replace(pc.relname, '"', '""') || '"')
         FROM pg_constraint f JOIN pg_class pc ON pc.oid = f.confrelid JOIN pg_namespace pn ON pn.oid = pc.relnamespace
        WHERE f.conrelid = c.oid AND f.contype = 'f' AND f.confrelid <> c.oid) AS parents
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
    ORDER BY n.nspname, c.relname`);
  const tables = rows
    .filter((r) => selects(selection, r.schema, r.name))
    .map((r) => ({
      schema: r.schema,
      name: r.name,
      qualified: `${client.escapeIdentifier(r.schema)}.${client.escapeIdentifier(r.name)}`,
      columns: r.columns ?? [],
      primaryKey: r.primary_key ?? [],
      parents: r.parents ?? [],
    }));
  return parentsFirst(tables);
}

function parentsFirst(tables: SourceTable[]): SourceTable[] {
  const byName = new Map(tables.map((t) => [t.qualified, t]));
  const ordered: SourceTable[] = [];
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (table: SourceTable) => {
    if (done.has(table.qualified) || visiting.has(table.qualified)) return; // a cycle loads in name order
    visiting.add(table.qualified);
    for (const parent of table.parents) {
      const found = byName.get(parent);
      if (found) visit(found);
    }
    visiting.delete(table.qualified);
    done.add(table.qualified);
    ordered.push(table);
  };
  tables.forEach(visit);
  return ordered;
}

/** The selected tables the target lacks. */
export async function missingOnTarget(client: pg.Client, tables: SourceTable[]): Promise<SourceTable[]> {
  const { rows } = await client.query<{ present: boolean[] }>(
    'SELECT array_agg(to_regclass(name) IS NOT NULL ORDER BY ord) AS present FROM unnest($1::text[]) WITH ORDINALITY AS u(name, ord)',
    [tables.map((t) => t.qualified)],
  );
  const present = rows[0]?.present ?? [];
  return tables.filter((_, i) => !present[i]);
}
