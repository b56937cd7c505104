import type { SequenceInfo, TableInfo } from '../catalog.js';

const nameOf = (t: { schema: string; name: string }): string => `${t.schema}.${t.name}`;

/**
 * Differences between two tables' columns that the copy cares about: a column either side lacks, a type
 * that differs (binary COPY needs identical types), a column generated on one side only (generated
 * columns are not copied, so v2 must compute them too).
 */
export function columnDifferences(v1: TableInfo, v2: TableInfo): string[] {
  const table = nameOf(v1);
  const problems: string[] = [];
  const theirs = new Map(v2.columns.map((c) => [c.name, c]));
  const ours = new Set(v1.columns.map((c) => c.name));
  for (const column of v1.columns) {
    const other = theirs.get(column.name);
    if (!other) {
      problems.push(`column ${table}.${column.name} (${column.type}) is on v1, not on v2`);
      continue;
    }
    if (other.type !== column.type) {
      problems.push(`column ${table}.${column.name} is ${column.type} on v1 but ${other.type} on v2`);
    }
    if (other.generated !== column.generated) {
      problems.push(
        `column ${table}.${column.name} is ${column.generated ? 'generated' : 'not generated'} on v1 but ` +
          `${other.generated ? 'generated' : 'not generated'} on v2`,
      );
    }
  }
  for (const column of v2.columns) {
    if (!ours.has(column.name))
      problems.push(`column ${table}.${column.name} (${column.type}) is on v2, not on v1`);
  }
  return problems;
}

/**
 * Every difference between v1's and v2's tables and sequences, for `schema: existing`, where v2's schema
 * comes from the application's migrations and must match v1's before a row moves.
 */
export function schemaDifferences(
  v1: { tables: readonly TableInfo[]; sequences: readonly SequenceInfo[] },
  v2: { tables: readonly TableInfo[]; sequences: readonly SequenceInfo[] },
): string[] {
  const problems: string[] = [];
  const v2Tables = new Map(v2.tables.map((t) => [nameOf(t), t]));
  const v1Names = new Set(v1.tables.map(nameOf));
  for (const table of v1.tables) {
    const other = v2Tables.get(nameOf(table));
    if (other) problems.push(...columnDifferences(table, other));
    else problems.push(`table ${nameOf(table)} is on v1, not on v2`);
  }
  for (const table of v2.tables) {
    if (!v1Names.has(nameOf(table))) problems.push(`table ${nameOf(table)} is on v2, not on v1`);
  }
  const v2Sequences = new Set(v2.sequences.map(nameOf));
  for (const sequence of v1.sequences) {
    if (!v2Sequences.has(nameOf(sequence))) problems.push(`sequence ${nameOf(sequence)} is on v1, not on v2`);
  }
  return problems;
}

/** For a re-run of `schema: copy`: the tables already on v2 must match v1's (those missing are created). */
export function existingTableDifferences(v1: readonly TableInfo[], v2: readonly TableInfo[]): string[] {
  const v2Tables = new Map(v2.map((t) => [nameOf(t), t]));
  return v1.flatMap((table) => {
    const other = v2Tables.get(nameOf(table));
    return other ? columnDifferences(table, other) : [];
  });
}
