import type pg from 'pg';
import { listTables, type TableInfo } from '../../data/postgres/catalog.js';
import type { ReplicatedSet } from './replicated-set.js';

/*
 * Logical replication carries rows, not DDL (replication.md §1.1, §1.4). Two changes on v1 during
 * replication lose data without a word or stall it: a column added on v1 stops the apply worker on v2
 * until v2 has it too, and a table created on v1 is in no publication (nor in a DMS task's table mappings,
 * which name each table), so its rows never reach v2 at all. The check compares v1's tables with what
 * the replication carries and with v2's, column by column.
 */

export interface SchemaDrift {
  /** One sentence per difference, with what to do. */
  problems: string[];
}

export async function checkSchemaDrift(
  v1: pg.Client,
  v2: pg.Client,
  carried: ReplicatedSet,
): Promise<SchemaDrift> {
  const [v1Tables, v2Tables, published] = await Promise.all([
    listTables(v1),
    listTables(v2),
    carried.tables(v1),
  ]);
  const key = (t: { schema: string; name: string }) => `${t.schema}.${t.name}`;
  const publishedKeys = new Set(published.map(key));
  const onV2 = new Map(v2Tables.map((t) => [key(t), t]));
  const problems: string[] = [];
  for (const table of v1Tables) {
    const name = key(table);
    if (!publishedKeys.has(name)) {
      problems.push(
        `table ${name} is on v1 but not replicated (created after the copy?): its rows are not reaching v2. ` +
          carried.addTable(name),
      );
      continue;
    }
    const twin = onV2.get(name);
    if (!twin) {
      problems.push(`table ${name} is replicated from v1 but missing on v2: create it on v2`);
      continue;
    }
    problems.push(...columnDrift(name, table, twin));
  }
  return { problems };
}

function columnDrift(name: string, v1: TableInfo, v2: TableInfo): string[] {
  const problems: string[] = [];
  const v2Columns = new Map(v2.columns.map((c) => [c.name, c]));
  for (const column of v1.columns) {
    const twin = v2Columns.get(column.name);
    if (!twin) {
      problems.push(
        `column ${name}.${column.name} (${column.type}) is on v1, not on v2: v2 stops applying changes to ${name} ` +
          'until it has it. Add the column on v2 (DDL is not replicated)',
      );
    } else if (twin.type !== column.type) {
      problems.push(`column ${name}.${column.name} is ${column.type} on v1 but ${twin.type} on v2`);
    }
  }
  return problems;
}
