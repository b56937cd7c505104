import type pg from 'pg';
import { listTables, SYSTEM_SCHEMA_FILTER, type ColumnInfo, type TableInfo } from '../catalog.js';
import { qualifiedName, quoteIdent } from '../connection.js';
import type { SchemaDifference } from './types.js';

/** One side's schema as the comparison sees it, read in that side's snapshot. */
export interface SchemaSnapshot {
  tables: TableInfo[];
  /** `index <name> on <table>` → pg_get_indexdef (which names the table and the index). */
  indexes: Map<string, string>;
  /** `constraint <name> on <table>` → pg_get_constraintdef. */
  constraints: Map<string, string>;
  extensions: Set<string>;
  /** The database's encoding: md5 hashes the server's bytes of each rendering. */
  encoding: string;
}

export async function readSchema(client: pg.Client): Promise<SchemaSnapshot> {
  const tables = await listTables(client);
  // Indexes of partitioned parents too: a partition's index alone does not make the parent's.
  const indexes = await client.query<{ schema: string; table: string; name: string; definition: string }>(
    `SELECT n.nspname AS schema, t.relname AS table, i.relname AS name,
            pg_catalog.pg_get_indexdef(i.oid) AS definition
       FROM pg_catalog.pg_index x
       JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
       JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
      WHERE t.relpersistence <> 't' AND ${SYSTEM_SCHEMA_FILTER}`,
  );
  const constraints = await client.query<{ schema: string; table: string; name: string; definition: string }>(
    `SELECT n.nspname AS schema, t.relname AS table, con.conname AS name,
            pg_catalog.pg_get_constraintdef(con.oid) AS definition
       FROM pg_catalog.pg_constraint con
       JOIN pg_catalog.pg_class t ON t.oid = con.conrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
      WHERE t.relpersistence <> 't' AND ${SYSTEM_SCHEMA_FILTER}`,
  );
  const extensions = await client.query<{ name: string }>(
    'SELECT extname AS name FROM pg_catalog.pg_extension',
  );
  const encoding = await client.query<{ encoding: string }>(
    `SELECT pg_catalog.pg_encoding_to_char(encoding) AS encoding
       FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()`,
  );
  return {
    tables,
    indexes: new Map(
      indexes.rows.map((r) => [
        `index ${quoteIdent(r.name)} on ${qualifiedName({ schema: r.schema, name: r.table })}`,
        r.definition,
      ]),
    ),
    constraints: new Map(
      constraints.rows.map((r) => [
        `constraint ${quoteIdent(r.name)} on ${qualifiedName({ schema: r.schema, name: r.table })}`,
        r.definition,
      ]),
    ),
    extensions: new Set(extensions.rows.map((r) => r.name)),
    encoding: encoding.rows[0]?.encoding ?? 'unknown',
  };
}

function describeColumn(column: ColumnInfo): string {
  return [column.type, column.notNull ? 'NOT NULL' : 'NULL', column.generated ? 'GENERATED' : '']
    .filter(Boolean)
    .join(' ');
}

/** Objects keyed by name on both sides: missing on one side, or there with another definition. */
function diffMaps(
  kind: SchemaDifference['kind'],
  v1: ReadonlyMap<string, string>,
  v2: ReadonlyMap<string, string>,
): SchemaDifference[] {
  const differences: SchemaDifference[] = [];
  for (const object of [...new Set([...v1.keys(), ...v2.keys()])].sort()) {
    const a = v1.get(object);
    const b = v2.get(object);
    if (a === b) continue;
    const difference: SchemaDifference = { kind, object };
    if (a !== undefined) difference.v1 = a;
    if (b !== undefined) difference.v2 = b;
    differences.push(difference);
  }
  return differences;
}

function tableShape(table: TableInfo): Map<string, string> {
  return new Map(table.columns.map((c) => [c.name, describeColumn(c)]));
}

/**
 * Every way v2's schema differs from v1's: tables present on one side only, columns (type, nullability,
 * generated; not their order, which a client reading by name does not see), indexes and constraints by
 * name and definition, extensions by name, and the database encoding.
 */
export function diffSchemas(v1: SchemaSnapshot, v2: SchemaSnapshot): SchemaDifference[] {
  const differences: SchemaDifference[] = [];
  const tables1 = new Map(v1.tables.map((t) => [qualifiedName(t), t]));
  const tables2 = new Map(v2.tables.map((t) => [qualifiedName(t), t]));
  const describeTable = (t: TableInfo): string =>
    t.partitionOf ? `table, partition of ${t.partitionOf}` : 'table';
  differences.push(
    ...diffMaps(
      'table',
      new Map([...tables1].map(([name, t]) => [name, describeTable(t)])),
      new Map([...tables2].map(([name, t]) => [name, describeTable(t)])),
    ),
  );
  for (const [name, table1] of tables1) {
    const table2 = tables2.get(name);
    if (!table2) continue;
    for (const difference of diffMaps('column', tableShape(table1), tableShape(table2))) {
      differences.push({ ...difference, object: `column ${quoteIdent(difference.object)} of ${name}` });
    }
  }
  differences.push(...diffMaps('index', v1.indexes, v2.indexes));
  differences.push(...diffMaps('constraint', v1.constraints, v2.constraints));
  const extensions = (names: Set<string>) => new Map([...names].map((n) => [`extension ${n}`, 'installed']));
  differences.push(...diffMaps('extension', extensions(v1.extensions), extensions(v2.extensions)));
  if (v1.encoding !== v2.encoding) {
    differences.push({ kind: 'encoding', object: 'database encoding', v1: v1.encoding, v2: v2.encoding });
  }
  return differences;
}
