import type { TableInfo } from '../catalog.js';
import { columnForms } from './column-forms.js';

function table(types: Record<string, string>): TableInfo {
  return {
    schema: 'public',
    name: 't',
    columns: Object.entries(types).map(([name, type]) => ({
      name,
      type,
      notNull: false,
      generated: false,
      collatable: false,
    })),
    primaryKey: [],
    estimatedRows: 0,
    estimatedBytes: 0,
  };
}

const withDateBin = { dateBin: true };

describe('columnForms', () => {
  it('hashes whole numbers in any mix of integer types, as int8 when either side is bigint', () => {
    const forms = columnForms(
      table({ a: 'integer', b: 'smallint', c: 'integer', d: 'bigint' }),
      table({ a: 'integer', b: 'integer', c: 'bigint', d: 'bigint' }),
      withDateBin,
    );
    expect(Object.fromEntries(forms)).toEqual({ a: 'int4', b: 'int4', c: 'int8', d: 'int8' });
  });

  it('renders a column whose types differ beyond integers, or that one side lacks', () => {
    const forms = columnForms(
      table({ n: 'integer', f: 'boolean', at: 'timestamp with time zone', gone: 'uuid' }),
      table({ n: 'text', f: 'integer', at: 'timestamp without time zone' }),
      withDateBin,
    );
    expect(forms.size).toBe(0);
  });

  it('hashes char(n) only with the same n, and never the unbounded bpchar', () => {
    const forms = columnForms(
      table({ same: 'character(3)', other: 'character(3)', loose: 'bpchar' }),
      table({ same: 'character(3)', other: 'character(4)', loose: 'bpchar' }),
      withDateBin,
    );
    expect(Object.fromEntries(forms)).toEqual({ same: 'bpchar' });
  });

  it('hashes timestamps of one type and precision, only where both servers have date_bin', () => {
    const types = {
      tz: 'timestamp with time zone',
      local: 'timestamp(3) without time zone',
      precise: 'timestamp(3) with time zone',
    };
    const v2 = { ...types, precise: 'timestamp(6) with time zone' };
    expect(Object.fromEntries(columnForms(table(types), table(v2), withDateBin))).toEqual({
      tz: 'timestamp',
      local: 'timestamp',
    });
    expect(columnForms(table(types), table(v2), { dateBin: false }).size).toBe(0);
  });

  it('renders every type whose binary form is not one-to-one with its text', () => {
    const types = {
      a: 'numeric(20,2)',
      b: 'double precision',
      c: 'jsonb',
      d: 'text[]',
      e: 'date',
      f: 'interval',
      g: 'bytea',
      h: 'text',
      i: 'character varying(10)',
      j: 'public.mood',
    };
    expect(columnForms(table(types), table(types), withDateBin).size).toBe(0);
  });

  it('takes a table on one side only as its own other side', () => {
    const only = table({ id: 'bigint', note: 'text' });
    expect(Object.fromEntries(columnForms(only, undefined, withDateBin))).toEqual({ id: 'int8' });
    expect(Object.fromEntries(columnForms(undefined, only, withDateBin))).toEqual({ id: 'int8' });
  });
});
