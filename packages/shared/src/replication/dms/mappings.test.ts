import { mappedTables, tableMappings } from './mappings.js';

describe('DMS table mappings', () => {
  it('reads back exactly the tables it wrote, wildcard characters included', () => {
    const tables = [
      { schema: 'public', name: 'ledger_entries' },
      { schema: 'billing', name: '100%[done]' },
    ];
    expect(mappedTables(tableMappings(tables))).toEqual(tables);
  });

  it('refuses a rule whose pattern matches more than one name', () => {
    const json = JSON.stringify({
      rules: [
        {
          'rule-type': 'selection',
          'rule-id': '1',
          'rule-name': 'all',
          'object-locator': { 'schema-name': 'public', 'table-name': '%' },
          'rule-action': 'include',
        },
      ],
    });
    expect(() => mappedTables(json)).toThrow('the DMS table mapping % holds a wildcard: name each table');
  });
});
