/** A table DMS carries. */
export interface MappedTable {
  schema: string;
  name: string;
}

/**
 * DMS's table mappings for exactly the tables of v1's schema the copy plan lists: one selection rule each,
 * by name, so that a table created on v1 later is not picked up unseen. In DMS's patterns `%` and `_`
 * are wildcards and `[…]` a set, so each of `%`, `_` and `[` in a name is written as a one-character set
 * (`[_]` is DMS's own literal underscore). A JSON string, as the API takes it.
 */
export function tableMappings(tables: readonly MappedTable[]): string {
  const escape = (name: string) => name.replace(/[[%_]/g, (c) => `[${c}]`);
  return JSON.stringify({
    rules: tables.map((table, i) => ({
      'rule-type': 'selection',
      'rule-id': String(i + 1),
      'rule-name': `${table.schema}.${table.name}`,
      'object-locator': { 'schema-name': escape(table.schema), 'table-name': escape(table.name) },
      'rule-action': 'include',
    })),
  });
}
