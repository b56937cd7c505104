/**
 * What the copy benchmark checks after every contender and does between them: v2 must hold what v1
 * holds (else a fast figure could be of a copy that skipped something), and v2 is emptied before the next.
 */
import type { PostgresServer } from '@dbmig/sandbox';
import {
  listTables,
  qualifiedName,
  SYSTEM_SCHEMA_FILTER,
  withPostgres,
  type PostgresEndpoint,
} from '@dbmig/shared';

/** Rows per table, and the index, constraint and sequence definitions, as lines that can be compared. */
export async function databaseState(endpoint: PostgresEndpoint): Promise<string[]> {
  return withPostgres(endpoint, async (client) => {
    const lines: string[] = [];
    for (const table of await listTables(client)) {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualifiedName(table)}`);
      lines.push(`rows ${table.schema}.${table.name} ${rows[0]!.n}`);
    }
    const objects = await client.query<{ def: string }>(
      `SELECT 'index ' || pg_catalog.pg_get_indexdef(i.indexrelid) AS def
         FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE ${SYSTEM_SCHEMA_FILTER}
       UNION ALL
       SELECT 'constraint ' || k.conrelid::regclass::text || ' ' || k.conname || ' ' || pg_catalog.pg_get_constraintdef(k.oid)
         FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_namespace n ON n.oid = k.connamespace
        WHERE ${SYSTEM_SCHEMA_FILTER} AND k.conrelid <> 0
       UNION ALL
       SELECT 'sequence ' || schemaname || '.' || sequencename || ' ' || coalesce(last_value::text, 'unused')
         FROM pg_catalog.pg_sequences WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
       ORDER BY 1`,
    );
    return [...lines.sort(), ...objects.rows.map((r) => r.def)];
  });
}

/** Throws naming what differs when v2's state is not v1's. */
export function assertSameState(contender: string, v1: readonly string[], v2: readonly string[]): void {
  const missing = v1.filter((line) => !v2.includes(line));
  const extra = v2.filter((line) => !v1.includes(line));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(
      `${contender} left v2 different from v1, so its time says nothing:\n` +
        [...missing.map((l) => `  only on v1: ${l}`), ...extra.map((l) => `  only on v2: ${l}`)].join('\n'),
    );
  }
}

/**
 * Empties v2 for the next contender: everything the application's role owns in the database goes (the
 * schema `billing` with its tables, sequences and indexes), then checks that no table is left, and
 * checkpoints, so that the last contender's dirty pages are not written during the next one's run.
 */
export async function emptyDatabase(server: PostgresServer): Promise<void> {
  await server.session((client) => client.query('DROP OWNED BY CURRENT_USER'));
  const left = await server.admin(async (client) => {
    await client.query('CHECKPOINT');
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_catalog.pg_class c
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND ${SYSTEM_SCHEMA_FILTER}`,
    );
    return rows[0]!.n;
  });
  if (left !== 0) throw new Error(`v2 still holds ${left} tables after it was emptied`);
}

/** A checkpoint on a server, so that each contender starts with no dirty pages of the previous one. */
export async function checkpoint(server: PostgresServer): Promise<void> {
  await server.admin((client) => client.query('CHECKPOINT'));
}
