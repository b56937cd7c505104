import type { TableInfo } from '../catalog.js';
import { qualifiedName, withPostgres, type PostgresEndpoint } from '../connection.js';
import { runPool } from './pool.js';

/**
 * The last step: ANALYZE every table loaded on v2, `jobs` at a time. A freshly loaded table has no planner
 * statistics until autovacuum gets to it, and the first queries the applications send after the cutover
 * would be planned blind; pg_restore leaves this undone, pgcopydb does it too.
 */
export async function analyzeTables(
  target: PostgresEndpoint,
  tables: readonly TableInfo[],
  jobs: number,
  log: (line: string) => void,
): Promise<void> {
  const started = Date.now();
  // Partitioned parents too: their own statistics (across partitions) plan the queries that name them.
  const names = [
    ...tables.map((table) => qualifiedName(table)),
    ...new Set(tables.flatMap((table) => (table.partitionOf ? [table.partitionOf] : []))),
  ];
  await runPool(names, jobs, (name) =>
    withPostgres(target, async (client) => void (await client.query(`ANALYZE ${name}`)), 'copy analyze'),
  );
  log(
    `analyze: statistics gathered for ${names.length} tables on v2 in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
