import type pg from 'pg';
import type { ReplicationNames } from './names.js';

/*
 * The tables a replication from v1 carries, as the pause (whose writes to revoke) and the drift check
 * (which table of v1 is carried nowhere) need them, whichever carries them: logical replication's
 * publication, or a DMS task's table mappings.
 */

export interface CarriedTable {
  schema: string;
  name: string;
}

export interface ReplicatedSet {
  /** What carries them, for messages: `the publication dbmig_dev`, `the DMS task dbmig-dev`. */
  description: string;
  /** The tables it carries now. */
  tables(v1: pg.Client): Promise<CarriedTable[]>;
  /** How to carry a table created on v1 after the copy (`name` is schema.table). */
  addTable(name: string): string;
}

export function publicationSet(names: ReplicationNames): ReplicatedSet {
  return {
    description: `the publication ${names.publication}`,
    async tables(v1) {
      const { rows } = await v1.query<CarriedTable>(
        'SELECT schemaname AS schema, tablename AS name FROM pg_catalog.pg_publication_tables WHERE pubname = $1 ORDER BY 1, 2',
        [names.publication],
      );
      return rows;
    },
    addTable: (name) =>
      `Create it on v2, add it to the publication (ALTER PUBLICATION ${names.publication} ADD TABLE ${name}), ` +
      'refresh the subscription, and copy its rows',
  };
}

/** The tables as two parallel arrays, for `unnest($1::text[], $2::text[])`. */
export function tableArrays(tables: readonly CarriedTable[]): [string[], string[]] {
  return [tables.map((t) => t.schema), tables.map((t) => t.name)];
}
