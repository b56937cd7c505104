import type pg from 'pg';

/** A foreign key between two tables, each as `schema.name`. */
export interface ForeignKeyEdge {
  from: string;
  to: string;
}

/**
 * Every foreign key of a database. On a partitioned table PostgreSQL keeps one constraint per partition
 * beside the parent's, so the edges between the leaf tables the copy loads are all here.
 */
export async function readForeignKeys(client: pg.Client): Promise<ForeignKeyEdge[]> {
  const result = await client.query<ForeignKeyEdge>(
    `SELECT cn.nspname || '.' || c.relname AS "from", fn.nspname || '.' || f.relname AS "to"
       FROM pg_catalog.pg_constraint k
       JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
       JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace
       JOIN pg_catalog.pg_class f ON f.oid = k.confrelid
       JOIN pg_catalog.pg_namespace fn ON fn.oid = f.relnamespace
      WHERE k.contype = 'f'`,
  );
  return result.rows;
}

export interface ForeignKeyLevels {
  /** 0 for a table that references no other; else one more than the deepest table it references. */
  level: Map<string, number>;
  /** Tables that reference themselves: loaded in one piece, so that a row may point at any other. */
  selfReferencing: Set<string>;
  /** Tables in any foreign key with another table. */
  related: Set<string>;
  /** Tables on a cycle of foreign keys: no order loads them. */
  cycles: string[][];
}

/** Load order for v2 with its foreign keys in place: parents before children. */
export function foreignKeyLevels(
  tables: readonly string[],
  edges: readonly ForeignKeyEdge[],
): ForeignKeyLevels {
  const known = new Set(tables);
  const parents = new Map<string, Set<string>>(tables.map((t) => [t, new Set<string>()]));
  const selfReferencing = new Set<string>();
  const related = new Set<string>();
  for (const { from, to } of edges) {
    if (!known.has(from) || !known.has(to)) continue; // a partitioned parent; its partitions carry the edge
    if (from === to) {
      selfReferencing.add(from);
      continue;
    }
    parents.get(from)!.add(to);
    related.add(from);
    related.add(to);
  }
  const level = new Map<string, number>();
  const cycles: string[][] = [];
  const visiting: string[] = [];
  const depth = (table: string): number => {
    const done = level.get(table);
    if (done !== undefined) return done;
    const at = visiting.indexOf(table);
    if (at !== -1) {
      cycles.push(visiting.slice(at));
      return 0;
    }
    visiting.push(table);
    let deepest = -1;
    for (const parent of parents.get(table)!) deepest = Math.max(deepest, depth(parent));
    visiting.pop();
    level.set(table, deepest + 1);
    return deepest + 1;
  };
  for (const table of tables) depth(table);
  return { level, selfReferencing, related, cycles };
}
