import { endpointOf, startPostgres, type PostgresServer } from '@dbmig/sandbox';
import { comparePostgres } from './compare.js';
import { openSnapshotSessions } from './snapshot-sessions.js';
import type { ParityOptions, TableParity } from './types.js';

let v1: PostgresServer;
let v2: PostgresServer;

// The same rows loaded into both servers. Every timestamptz literal carries its offset: v2's server runs in
// another TimeZone, and a literal without one would be a different instant there (a real difference).
const FIXTURE = `
  CREATE SCHEMA billing;
  CREATE TABLE public.accounts (
    id bigserial PRIMARY KEY, name text NOT NULL, note text, balance numeric(20,2),
    opened_at timestamptz NOT NULL, birthday date, grace interval, flags jsonb, ratio float8);
  CREATE INDEX accounts_name_idx ON public.accounts (name);
  CREATE TABLE billing.invoices (
    code text PRIMARY KEY, account_id bigint REFERENCES public.accounts (id), amount numeric CHECK (amount >= 0));
  CREATE TABLE public.audit_log (at timestamptz, message text);
  INSERT INTO public.accounts (name, note, balance, opened_at, birthday, grace, flags, ratio)
    SELECT 'acct-' || g, CASE WHEN g % 7 = 0 THEN NULL ELSE 'note ' || g END, g * 1.25,
           timestamptz '2026-01-01 00:00:00+00' + g * interval '37 minutes', date '1990-01-01' + g,
           g * interval '1 hour 3 seconds' - interval '2 days', jsonb_build_object('g', g, 'even', g % 2 = 0), g / 3.0
      FROM generate_series(1, 2000) g;
  INSERT INTO billing.invoices SELECT 'inv-' || lpad(g::text, 5, '0'), 1 + g % 1000, g FROM generate_series(1, 1000) g;
  INSERT INTO public.audit_log
    SELECT timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second', 'event ' || (g % 50)
      FROM generate_series(1, 500) g;
  ANALYZE;
`;

function compare(options: Partial<ParityOptions> = {}) {
  return comparePostgres(endpointOf(v1, 'v1'), endpointOf(v2, 'v2'), {
    ranges: 4,
    maxDifferencesListed: 20,
    jobs: 2,
    ...options,
  });
}

const onV1 = (sql: string) => v1.session((c) => c.query(sql));
const onV2 = (sql: string) => v2.session((c) => c.query(sql));

/**
 * The toolkit's parity sessions the server still lists. A backend leaves pg_stat_activity a moment after
 * its client disconnects, so a non-zero count is looked at again a few times before it counts.
 */
async function paritySessionsOn(server: PostgresServer): Promise<number> {
  let open = 0;
  for (let attempt = 0; attempt < 20; attempt++) {
    const result = await server.admin((c) =>
      c.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name LIKE 'db-migration-toolkit parity%'",
      ),
    );
    open = result.rows[0]!.n;
    if (open === 0) return 0;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return open;
}

function table(result: { tables: TableParity[] }, name: string): TableParity {
  const found = result.tables.find((t) => t.table === name);
  if (!found) throw new Error(`no result for ${name}`);
  return found;
}

beforeAll(async () => {
  [v1, v2] = await Promise.all([
    startPostgres({ name: 'parity-v1' }),
    // Server defaults unlike v1's: the comparison pins its own session settings on both sides.
    startPostgres({
      name: 'parity-v2',
      settings: { TimeZone: 'Asia/Tokyo', DateStyle: 'SQL, DMY', IntervalStyle: 'sql_standard' },
    }),
  ]);
});

beforeEach(async () => {
  // DROP OWNED empties the database of everything the application role made, leaving the database itself.
  await Promise.all([
    onV1(`DROP OWNED BY CURRENT_USER; ${FIXTURE}`),
    onV2(`DROP OWNED BY CURRENT_USER; ${FIXTURE}`),
  ]);
});

afterAll(async () => {
  await Promise.all([v1?.stop(), v2?.stop()]);
});

describe('comparePostgres on equal data', () => {
  it('passes, with one check per table, the schema and the sequences', async () => {
    const result = await compare();
    expect(result.equal).toBe(true);
    // Two servers on one machine agree on the faster digest.
    expect(result.digest).toBe('hashtext');
    expect(result.schema).toEqual([]);
    expect(result.tables.map((t) => [t.table, t.status, t.v1Rows, t.v2Rows, t.ranges])).toEqual([
      ['"billing"."invoices"', 'equal', 1000, 1000, 4],
      ['"public"."accounts"', 'equal', 2000, 2000, 4],
      ['"public"."audit_log"', 'equal', 500, 500, 1],
    ]);
    expect(result.sequences).toEqual([
      expect.objectContaining({
        sequence: '"public"."accounts_id_seq"',
        status: 'equal',
        v1Next: '2001',
        v2Next: '2001',
      }),
    ]);

    const checks = result.toChecks();
    expect(checks.map((c) => [c.id, c.resource, c.status])).toEqual([
      ['parity-schema', 'paymentsdb', 'pass'],
      ['parity-table', '"billing"."invoices"', 'pass'],
      ['parity-table', '"public"."accounts"', 'pass'],
      ['parity-table', '"public"."audit_log"', 'pass'],
      ['parity-sequences', 'paymentsdb', 'pass'],
    ]);
    expect(checks[0]!.detail).toBe('same 3 tables, 14 columns, 3 indexes, 4 constraints, 1 extension');
    expect(checks[2]!.detail).toMatch(
      /^v1 2,000 rows, v2 2,000 rows; checksum equal over 4 ranges; \d+\.\d\d s$/,
    );
    expect(checks[4]!.detail).toBe("1 sequence: 1 at v1's next value");
  });

  it('passes between servers with other TimeZone, DateStyle and IntervalStyle, whose own renderings differ', async () => {
    // Read as each server renders by default: the same rows come out as different text...
    const render = `SELECT opened_at::text || ' ' || birthday::text || ' ' || grace::text AS text
                      FROM public.accounts WHERE id = 5`;
    const [a, b] = await Promise.all([
      v1.session((c) => c.query<{ text: string }>(render)),
      v2.session((c) => c.query<{ text: string }>(render)),
    ]);
    expect(a.rows[0]!.text).not.toBe(b.rows[0]!.text);
    // ...and the comparison, which pins the session settings on both sides, sees them equal.
    const result = await compare();
    expect(result.equal).toBe(true);
  });

  it('ignores column order, and the input order of a jsonb document', async () => {
    await onV1(`CREATE TABLE public.pairs (id int PRIMARY KEY, a text, b jsonb);
                INSERT INTO public.pairs VALUES (1, 'x', '{"p": 1, "q": 2}')`);
    await onV2(`CREATE TABLE public.pairs (b jsonb, a text, id int PRIMARY KEY);
                INSERT INTO public.pairs VALUES ('{"q": 2, "p": 1}', 'x', 1)`);
    const result = await compare();
    expect(result.schema).toEqual([]);
    expect(table(result, '"public"."pairs"').status).toBe('equal');
    expect(result.equal).toBe(true);
  });
});

describe.each(['hashtext', 'md5'] as const)('with the %s digest', (digest) => {
  it('passes equal data and fails a changed value with equal counts, or a row twice against another twice', async () => {
    expect((await compare({ digest })).equal).toBe(true);
    await onV2("UPDATE public.accounts SET grace = grace + interval '1 microsecond' WHERE id = 600");
    const at = "timestamptz '2030-01-01 00:00:00+00'";
    await onV1(`INSERT INTO public.audit_log VALUES (${at}, 'twin p'), (${at}, 'twin p')`);
    await onV2(`INSERT INTO public.audit_log VALUES (${at}, 'twin q'), (${at}, 'twin q')`);
    const result = await compare({ digest });
    expect(result.digest).toBe(digest);
    expect(table(result, '"public"."accounts"').differingRanges.map((r) => r.index)).toEqual([1]);
    expect(table(result, '"public"."audit_log"')).toMatchObject({
      status: 'different',
      v1Rows: 502,
      v2Rows: 502,
    });
  });

  it('fails two values swapped between the columns of a row', async () => {
    await onV1("CREATE TABLE public.swap (a text, b text); INSERT INTO public.swap VALUES ('y', 'x')");
    await onV2("CREATE TABLE public.swap (a text, b text); INSERT INTO public.swap VALUES ('x', 'y')");
    const result = await compare({ digest });
    expect(table(result, '"public"."swap"')).toMatchObject({
      status: 'different',
      rowsOnlyOnV1: 1,
      rowsOnlyOnV2: 1,
    });
    expect(table(result, '"public"."accounts"').status).toBe('equal');
  });
});

describe('comparePostgres fails on a difference and says where it is', () => {
  it('one changed value with equal counts: the table, its range and the key', async () => {
    await onV2('UPDATE public.accounts SET balance = balance + 0.01 WHERE id = 1600');
    const result = await compare();
    expect(result.equal).toBe(false);
    const accounts = table(result, '"public"."accounts"');
    expect(accounts).toMatchObject({ status: 'different', v1Rows: 2000, v2Rows: 2000, rangeKey: 'id' });
    expect(accounts.differingRanges).toEqual([{ index: 3, lower: '1500', v1Rows: 501, v2Rows: 501 }]);
    expect(accounts.differingKeys).toEqual([{ key: '1600', kind: 'changed' }]);
    expect(table(result, '"billing"."invoices"').status).toBe('equal');

    const check = result.toChecks().find((c) => c.resource === '"public"."accounts"')!;
    expect(check.status).toBe('fail');
    expect(check.detail).toContain('checksum differs in range 4 of 4 (id [1500, +∞)): 501 rows each');
    expect(check.detail).toContain('differing keys: 1600 changed');
  });

  it('one deleted row', async () => {
    await onV2('DELETE FROM public.accounts WHERE id = 1500');
    const accounts = table(await compare(), '"public"."accounts"');
    expect(accounts).toMatchObject({ status: 'different', v1Rows: 2000, v2Rows: 1999 });
    expect(accounts.differingRanges).toEqual([{ index: 3, lower: '1500', v1Rows: 501, v2Rows: 500 }]);
    expect(accounts.differingKeys).toEqual([{ key: '1500', kind: 'missing-on-v2' }]);
  });

  it('lists changed, missing and extra keys up to maxDifferencesListed, and says there were more', async () => {
    await onV2(`DELETE FROM public.accounts WHERE id IN (1998, 1999);
                UPDATE public.accounts SET name = 'renamed' WHERE id BETWEEN 10 AND 14;
                INSERT INTO public.accounts (id, name, opened_at) VALUES (5000, 'new', now())`);
    const result = await compare({ maxDifferencesListed: 3 });
    const accounts = table(result, '"public"."accounts"');
    expect(accounts.differingRanges.map((r) => r.index)).toEqual([0, 3]);
    expect(accounts.differingKeys).toEqual([
      { key: '10', kind: 'changed' },
      { key: '11', kind: 'changed' },
      { key: '12', kind: 'changed' },
    ]);
    expect(accounts.keysNote).toContain('more differing keys than the 3 listed');

    const all = table(await compare({ maxDifferencesListed: 20 }), '"public"."accounts"');
    expect(all.differingKeys).toEqual([
      ...['10', '11', '12', '13', '14'].map((key) => ({ key, kind: 'changed' })),
      { key: '1998', kind: 'missing-on-v2' },
      { key: '1999', kind: 'missing-on-v2' },
      { key: '5000', kind: 'extra-on-v2' },
    ]);
    expect(all.keysNote).toBeUndefined();
  });

  it('a table only on v2', async () => {
    await onV2('CREATE TABLE public.leftover (id int); INSERT INTO public.leftover VALUES (1), (2)');
    const result = await compare();
    expect(result.equal).toBe(false);
    expect(result.schema).toContainEqual({ kind: 'table', object: '"public"."leftover"', v2: 'table' });
    expect(table(result, '"public"."leftover"')).toMatchObject({ status: 'extra-on-v2', v2Rows: 2 });
    expect(table(result, '"public"."leftover"').v1Rows).toBeUndefined();
    const checks = result.toChecks();
    expect(checks.find((c) => c.id === 'parity-schema')).toMatchObject({ status: 'fail' });
    expect(checks.find((c) => c.id === 'parity-schema')!.detail).toContain('"public"."leftover" only on v2');
    expect(checks.find((c) => c.resource === '"public"."leftover"')).toMatchObject({
      id: 'parity-table',
      status: 'fail',
      detail: expect.stringContaining('not on v1, v2 2 rows; the table is only on v2'),
    });
  });

  it('a table missing on v2', async () => {
    await onV2('DROP TABLE public.audit_log');
    const result = await compare();
    expect(result.schema).toContainEqual({ kind: 'table', object: '"public"."audit_log"', v1: 'table' });
    expect(table(result, '"public"."audit_log"')).toMatchObject({ status: 'missing-on-v2', v1Rows: 500 });
  });

  it('a duplicated row in a table without a primary key, even with the counts made equal', async () => {
    // Duplicate one row and delete another: counts stay equal.
    await onV2(`INSERT INTO public.audit_log SELECT * FROM public.audit_log WHERE message = 'event 1' LIMIT 1;
                DELETE FROM public.audit_log WHERE ctid = (SELECT ctid FROM public.audit_log WHERE message = 'event 2' LIMIT 1)`);
    const log = table(await compare(), '"public"."audit_log"');
    expect(log).toMatchObject({
      status: 'different',
      v1Rows: 500,
      v2Rows: 500,
      rowsOnlyOnV1: 1,
      rowsOnlyOnV2: 1,
    });
  });

  it('two copies of one row against two copies of another, which an XOR of hashes would call equal', async () => {
    const at = "timestamptz '2030-01-01 00:00:00+00'";
    await onV1(`INSERT INTO public.audit_log VALUES (${at}, 'twin p'), (${at}, 'twin p')`);
    await onV2(`INSERT INTO public.audit_log VALUES (${at}, 'twin q'), (${at}, 'twin q')`);
    const result = await compare();
    const log = table(result, '"public"."audit_log"');
    expect(log).toMatchObject({
      status: 'different',
      v1Rows: 502,
      v2Rows: 502,
      rowsOnlyOnV1: 2,
      rowsOnlyOnV2: 2,
    });
    expect(result.toChecks().find((c) => c.resource === '"public"."audit_log"')!.detail).toContain(
      'no primary key: 2 rows only on v1, 2 rows only on v2',
    );
  });

  it.each([
    ['NULL against an empty string', "UPDATE public.accounts SET note = '' WHERE id = 7", '7'],
    [
      "'a' against 'a ' (trailing space)",
      "UPDATE public.accounts SET name = name || ' ' WHERE id = 42",
      '42',
    ],
    // 0 = -0 for float8's equality operator, yet a client reads "0" and "-0".
    ['float 0 against -0', "UPDATE public.accounts SET ratio = '-0' WHERE id = 3", '3'],
  ])('%s', async (_, change, key) => {
    await onV1('UPDATE public.accounts SET ratio = 0 WHERE id = 3');
    await onV2('UPDATE public.accounts SET ratio = 0 WHERE id = 3');
    await onV2(change);
    const accounts = table(await compare(), '"public"."accounts"');
    expect(accounts.status).toBe('different');
    expect(accounts.differingKeys).toEqual([{ key, kind: 'changed' }]);
  });

  it('numeric 5 against 5.0, equal for numeric = but not as a client reads them', async () => {
    await onV2("UPDATE billing.invoices SET amount = 5.0 WHERE code = 'inv-00005'");
    const invoices = table(await compare(), '"billing"."invoices"');
    expect(invoices.status).toBe('different');
    expect(invoices.differingKeys).toEqual([{ key: 'inv-00005', kind: 'changed' }]);
  });

  it('a sequence behind on v2 fails; ahead passes and is reported', async () => {
    await onV1("SELECT setval('public.accounts_id_seq', 5000)");
    const behind = await compare();
    expect(behind.equal).toBe(false);
    expect(behind.sequences).toEqual([
      expect.objectContaining({
        sequence: '"public"."accounts_id_seq"',
        status: 'behind',
        v1Next: '5001',
        v2Next: '2001',
      }),
    ]);
    const check = behind.toChecks().find((c) => c.id === 'parity-sequences')!;
    expect(check.status).toBe('fail');
    expect(check.detail).toContain('"public"."accounts_id_seq" (v1 next 5001, v2 next 2001)');

    await onV2("SELECT setval('public.accounts_id_seq', 9000)");
    const ahead = await compare();
    expect(ahead.equal).toBe(true);
    expect(ahead.sequences[0]).toMatchObject({ status: 'ahead', v2Next: '9001' });
    expect(ahead.toChecks().find((c) => c.id === 'parity-sequences')).toMatchObject({
      status: 'pass',
      detail: expect.stringContaining(
        '1 ahead of v1 ("public"."accounts_id_seq" (v1 next 5001, v2 next 9001))',
      ),
    });
  });

  it('a missing index, and an index of the same name defined differently', async () => {
    await onV2('DROP INDEX public.accounts_name_idx');
    const missing = await compare();
    expect(missing.equal).toBe(false);
    expect(missing.schema).toEqual([
      {
        kind: 'index',
        object: 'index "accounts_name_idx" on "public"."accounts"',
        v1: 'CREATE INDEX accounts_name_idx ON public.accounts USING btree (name)',
      },
    ]);
    expect(missing.toChecks()[0]!.detail).toContain(
      'index "accounts_name_idx" on "public"."accounts" missing on v2 (CREATE INDEX accounts_name_idx ON public.accounts USING btree (name))',
    );

    await onV2('CREATE INDEX accounts_name_idx ON public.accounts (lower(name))');
    const redefined = await compare();
    expect(redefined.schema).toEqual([
      expect.objectContaining({
        kind: 'index',
        v2: 'CREATE INDEX accounts_name_idx ON public.accounts USING btree (lower(name))',
      }),
    ]);
  });

  it('a column of another type or nullability, and a constraint defined differently', async () => {
    await onV2(`ALTER TABLE public.accounts ALTER COLUMN note TYPE varchar(200), ALTER COLUMN birthday SET NOT NULL;
                ALTER TABLE billing.invoices DROP CONSTRAINT invoices_amount_check,
                  ADD CONSTRAINT invoices_amount_check CHECK (amount > 0)`);
    const result = await compare();
    expect(result.schema).toEqual([
      {
        kind: 'column',
        object: 'column "birthday" of "public"."accounts"',
        v1: 'date NULL',
        v2: 'date NOT NULL',
      },
      {
        kind: 'column',
        object: 'column "note" of "public"."accounts"',
        v1: 'text NULL',
        v2: 'character varying(200) NULL',
      },
      {
        kind: 'constraint',
        object: 'constraint "invoices_amount_check" on "billing"."invoices"',
        v1: 'CHECK ((amount >= (0)::numeric))',
        v2: 'CHECK ((amount > (0)::numeric))',
      },
    ]);
    // The values render the same: the content still passes, the schema fails.
    expect(table(result, '"public"."accounts"').status).toBe('equal');
  });
});

describe('comparePostgres refuses what it cannot compare', () => {
  it('names an unknown table given parity ranges', async () => {
    await expect(compare({ ranges: { 'public.acounts': 8 } })).rejects.toThrow(
      /Input 'parity-ranges': "public.acounts" is not a table on v1/,
    );
  });

  it('fails a refused connection without the password, leaving no session open on the other side', async () => {
    const wrong = { ...endpointOf(v2, 'v2'), password: 'not-the-password-0123456789' };
    const error = (await comparePostgres(endpointOf(v1, 'v1'), wrong, {
      maxDifferencesListed: 5,
      jobs: 3,
    }).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('v2: authentication failed');
    expect(error.message).not.toContain('not-the-password');
    expect(await paritySessionsOn(v1)).toBe(0);
  });
});

describe('openSnapshotSessions', () => {
  it('gives every session of a side the same snapshot, blind to later writes', async () => {
    const side = await openSnapshotSessions(endpointOf(v2, 'v2'), 3);
    try {
      await onV2(
        "DELETE FROM public.audit_log; INSERT INTO public.accounts (name, opened_at) VALUES ('late', now())",
      );
      for (const session of side.sessions) {
        const seen = await session.query<{ log: number; accounts: number }>(
          'SELECT (SELECT count(*)::int FROM public.audit_log) AS log, (SELECT count(*)::int FROM public.accounts) AS accounts',
        );
        expect(seen.rows[0]).toEqual({ log: 500, accounts: 2000 });
      }
      // Read only: a session cannot change what it compares.
      await expect(side.sessions[1]!.query('DELETE FROM public.accounts')).rejects.toThrow(
        /read-only transaction/,
      );
    } finally {
      await side.close();
    }
    expect(await paritySessionsOn(v2)).toBe(0);
  });
});
