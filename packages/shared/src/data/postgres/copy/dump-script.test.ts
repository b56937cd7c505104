import { parseDumpScript, stripRestrict } from './dump-script.js';

const DUMP = [
  '--',
  '-- PostgreSQL database dump',
  '--',
  '',
  '\\restrict Ab12Cd',
  '',
  'SET statement_timeout = 0;',
  "SELECT pg_catalog.set_config('search_path', '', false);",
  '',
  '--',
  '-- Name: billing; Type: SCHEMA; Schema: -; Owner: -',
  '--',
  '',
  'CREATE SCHEMA billing;',
  '',
  '--',
  '-- Name: touch(); Type: FUNCTION; Schema: public; Owner: -',
  '--',
  '',
  'CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$',
  '\\restrict not-the-key',
  'BEGIN RETURN NEW; END$$;',
  '',
  '--',
  '-- Name: payments payments_pkey; Type: CONSTRAINT; Schema: billing; Owner: -; Tablespace: ',
  '--',
  '',
  'ALTER TABLE ONLY billing.payments ADD CONSTRAINT payments_pkey PRIMARY KEY (id);',
  '',
  '\\unrestrict Ab12Cd',
  '',
].join('\n');

describe('parseDumpScript', () => {
  it('splits pg_dump output into its prelude and objects, by the Name/Type comments', () => {
    const script = parseDumpScript(DUMP);
    expect(script.prelude).toContain("SELECT pg_catalog.set_config('search_path', '', false);");
    expect(script.objects.map(({ name, type, schema }) => ({ name, type, schema }))).toEqual([
      { name: 'billing', type: 'SCHEMA', schema: '-' },
      { name: 'touch()', type: 'FUNCTION', schema: 'public' },
      { name: 'payments payments_pkey', type: 'CONSTRAINT', schema: 'billing' },
    ]);
    expect(script.objects[0]!.sql).toContain('CREATE SCHEMA billing;');
    expect(script.objects[2]!.sql).toContain('ADD CONSTRAINT payments_pkey');
  });

  it('removes exactly the \\restrict and \\unrestrict lines with the key the script declares', () => {
    const text = stripRestrict(DUMP);
    expect(text).not.toContain('\\restrict Ab12Cd');
    expect(text).not.toContain('\\unrestrict Ab12Cd');
    // A line inside a function body that only looks like one stays.
    expect(text).toContain('\\restrict not-the-key');
    expect(stripRestrict('SELECT 1;\n')).toBe('SELECT 1;\n');
  });
});
