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

/**
 * The tables a task's mappings name, as {@link tableMappings} wrote them: every `include` selection rule,
 * its one-character sets read back as the characters they stand for. A rule with a wildcard left in it
 * (a task made by hand) is refused: which tables it matches cannot be said without DMS.
 */
export function mappedTables(json: string): MappedTable[] {
  const rules = (JSON.parse(json) as { rules?: Record<string, unknown>[] }).rules ?? [];
  const unescape = (pattern: string) => {
    const literal = pattern.replace(/\[(.)\]/g, '$1');
    if (/[%_[]/.test(pattern.replace(/\[.\]/g, ''))) {
      throw new Error(`the DMS table mapping ${pattern} holds a wildcard: name each table`);
    }
    return literal;
  };
  return rules
    .filter((r) => r['rule-type'] === 'selection' && r['rule-action'] === 'include')
    .map((r) => {
      const locator = r['object-locator'] as { 'schema-name': string; 'table-name': string };
      return { schema: unescape(locator['schema-name']), name: unescape(locator['table-name']) };
    });
}
