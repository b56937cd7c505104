import { InputError } from '../../../errors/input-error.js';
import type { TableInfo } from '../catalog.js';
import { defaultRangeCount } from '../ranges.js';
import type { ParityOptions } from './types.js';

const INPUT = 'parity-ranges';

function assertCount(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new InputError(INPUT, `${what} must be a whole number of ranges, 1 or more (got ${value})`);
  }
}

/**
 * How many ranges each table of v1 is cut into: the one count given, the table's own entry (`schema.table`,
 * or a bare name for `public`), else the default from its size. An entry naming no table of v1 is refused,
 * so that a misspelt name does not silently fall back to the default.
 */
export function rangeCounts(
  ranges: ParityOptions['ranges'],
  tables: readonly TableInfo[],
): (table: TableInfo) => number {
  if (ranges === undefined) return defaultRangeCount;
  if (typeof ranges === 'number') {
    assertCount(ranges, 'the count');
    return () => ranges;
  }
  const names = new Set(tables.map((t) => `${t.schema}.${t.name}`));
  const given = new Map<string, number>();
  for (const [name, value] of Object.entries(ranges)) {
    const full = name.includes('.') ? name : `public.${name}`;
    if (!names.has(full)) {
      throw new InputError(
        INPUT,
        `${JSON.stringify(name)} is not a table on v1; name tables as schema.table (v1 has ${[...names].slice(0, 10).join(', ') || 'no tables'}${names.size > 10 ? ', …' : ''})`,
      );
    }
    assertCount(value, `the count for ${name}`);
    given.set(full, value);
  }
  return (table) => given.get(`${table.schema}.${table.name}`) ?? defaultRangeCount(table);
}
