import { endpointOf, startPostgres, type PostgresServer } from '@dbmig/sandbox';
import type pg from 'pg';
import { listTables } from '../catalog.js';
import { columnForms } from './column-forms.js';
import { comparePostgres } from './compare.js';
import { checksumQuery } from './row-hash.js';
import { typesCastThroughOutput } from './text-casts.js';
import type { TableParity } from './types.js';

// v1 on PostgreSQL 15, v2 on 17 with other session defaults: a v1 → v2 move often crosses a major version,
// and the hashtext digest hashes integers, uuids, char(n) and timestamps in binary forms that both must
// compute alike. Timestamps step 25 hours at a time from 1990 (before PostgreSQL's epoch of 2000, whose
// values are rendered) to 2028, with infinities and NULLs; every timestamptz literal carries its offset.
let v1: PostgresServer;
let v2: PostgresServer;

const FIXTURE = `
  CREATE TABLE public.forms (
    id bigint PRIMARY KEY, small smallint, medium integer, big bigint, flag boolean, token uuid,
    code character(3), loose bpchar, at timestamptz, local timestamp(3), day date, span interval,
    amount numeric(12,2), ratio float8, note text, label varchar(20), blob bytea, tags int[], doc jsonb, addr inet);
  INSERT INTO public.forms
    SELECT g,
           CASE WHEN g % 11 = 0 THEN NULL ELSE (g % 65536 - 32768)::smallint END,
           CASE WHEN g % 13 = 0 THEN NULL ELSE (g * 7919) % 2147483647 - 1073741823 END,
           CASE WHEN g % 17 = 0 THEN NULL ELSE g::bigint * 2654435761 * 1000 * (1 - 2 * (g % 2)) END,
           CASE WHEN g % 19 = 0 THEN NULL ELSE g % 3 = 0 END,
           CASE WHEN g % 23 = 0 THEN NULL ELSE md5(g::text)::uuid END,
           CASE WHEN g % 29 = 0 THEN NULL ELSE substr(md5(g::text), 1, 1 + g % 3) END,
           CASE WHEN g % 31 = 0 THEN NULL ELSE 'x' || repeat(' ', g % 3) END,
           CASE WHEN g % 37 = 0 THEN NULL WHEN g % 41 = 0 THEN 'infinity' WHEN g % 43 = 0 THEN '-infinity'
                ELSE timestamptz '1990-01-01 00:00:00+00' + g * interval '175 hours 7.000007 seconds' END,
           timestamp '1999-12-31 23:00:00' + g * interval '1 minute 0.001 second',
           date '1999-12-01' + g, g * interval '1 hour 3 seconds', g * 1.25, g / 7.0,
           CASE WHEN g % 5 = 0 THEN NULL WHEN g % 5 = 1 THEN '' ELSE 'note ' || g || repeat(' ', g % 2) END,
           'label ' || g, decode(md5(g::text), 'hex'), ARRAY[g, g + 1], jsonb_build_object('g', g),
           ('10.0.' || (g % 256) || '.' || (g % 200) || '/' || (24 + g % 9))::inet
      FROM generate_series(1, 2000) g;
  ANALYZE;
`;

/** µs since 2000-01-01 UTC as a timestamptz literal expression (exact: the products stay below 2^53). */
const instant = (micros: string) =>
  `timestamptz '2000-01-01 00:00:00+00' + (${micros})::float8 * interval '1 microsecond'`;

function compare() {
  return comparePostgres(endpointOf(v1, 'v1'), endpointOf(v2, 'v2'), {
    ranges: 4,
    maxDifferencesListed: 20,
    jobs: 2,
  });
}

const onV1 = (sql: string) => v1.session((c) => c.query(sql));
const onV2 = (sql: string) => v2.session((c) => c.query(sql));

function forms(result: { tables: TableParity[] }): TableParity {
  const found = result.tables.find((t) => t.table === '"public"."forms"');
  if (!found) throw new Error('no result for public.forms');
  return found;
}

beforeAll(async () => {
  [v1, v2] = await Promise.all([
    startPostgres({ name: 'forms-v1' }),
    startPostgres({
      name: 'forms-v2',
      major: 17,
      settings: { TimeZone: 'America/New_York', DateStyle: 'German, DMY', IntervalStyle: 'iso_8601' },
    }),
  ]);
});

beforeEach(async () => {
  await Promise.all([
    onV1(`DROP OWNED BY CURRENT_USER; ${FIXTURE}`),
    onV2(`DROP OWNED BY CURRENT_USER; ${FIXTURE}`),
  ]);
});

afterAll(async () => {
  await Promise.all([v1?.stop(), v2?.stop()]);
});

describe('the hashtext digest between PostgreSQL 15 and 17', () => {
  it('passes equal data of every type', async () => {
    expect([v1.major, v2.major]).toEqual([15, 17]);
    const result = await compare();
    expect(result.digest).toBe('hashtext');
    expect(forms(result)).toMatchObject({ status: 'equal', v1Rows: 2000, v2Rows: 2000, ranges: 4 });
    expect(result.equal).toBe(true);
  });

  it('fails one changed integer with equal counts, naming its row', async () => {
    await onV2('UPDATE public.forms SET medium = medium + 1 WHERE id = 1234');
    const result = await compare();
    expect(result.equal).toBe(false);
    expect(forms(result)).toMatchObject({ status: 'different', v1Rows: 2000, v2Rows: 2000 });
    expect(forms(result).differingKeys).toEqual([{ key: '1234', kind: 'changed' }]);
  });

  // Values a binary hash would confuse if it were not one-to-one with the rendering: the built-in int8 and
  // timestamp hashes fold 64 bits to 32, the sign folds onto the magnitude, a cast to text trims bpchar.
  const pairs: [string, string, string, string][] = [
    ['bigint 0 against 4294967297, whose 32-bit folds are equal', 'big', '0', '4294967297'],
    ['bigint -1 against 4294967295, folded alike across the sign', 'big', '-1', '4294967295'],
    [
      'a timestamp against one whose microsecond halves are swapped',
      'at',
      instant('5 * 4294967296 + 7'),
      instant('7 * 4294967296 + 5'),
    ],
    [
      'a timestamp after 2000 against the one before 2000 that its halves fold onto',
      'at',
      instant('5 * 4294967296 + 7'),
      instant('-6 * 4294967296 + 7'),
    ],
    ['infinity against -infinity', 'at', "'infinity'", "'-infinity'"],
    [
      'a timestamp without time zone one millisecond later',
      'local',
      "'2020-01-01 00:00:00'",
      "'2020-01-01 00:00:00.001'",
    ],
    ["an unbounded bpchar 'x' against 'x ', alike once cast to text", 'loose', "'x'", "'x '"],
    ["char(3) 'ab' against 'abc'", 'code', "'ab'", "'abc'"],
    ['true against false', 'flag', 'true', 'false'],
    ['one uuid against another', 'token', "md5('a')::uuid", "md5('b')::uuid"],
    ['NULL against 0', 'medium', 'NULL', '0'],
  ];
  it.each(pairs)('fails %s', async (_, column, a, b) => {
    await onV1(`UPDATE public.forms SET ${column} = ${a} WHERE id = 7`);
    await onV2(`UPDATE public.forms SET ${column} = ${b} WHERE id = 7`);
    const result = forms(await compare());
    expect(result.status).toBe('different');
    expect(result.differingKeys).toEqual([{ key: '7', kind: 'changed' }]);
  });

  it('passes those same values when both sides hold them', async () => {
    const set = pairs.map(
      ([, column, a], i) => `UPDATE public.forms SET ${column} = ${a} WHERE id = ${100 + i};`,
    );
    await Promise.all([onV1(set.join('\n')), onV2(set.join('\n'))]);
    expect(forms(await compare()).status).toBe('equal');
  });

  it('compares integers of other types by the numbers they hold, and against text by the digits', async () => {
    await onV2('ALTER TABLE public.forms ALTER COLUMN small TYPE integer, ALTER COLUMN medium TYPE bigint');
    const widened = await compare();
    expect(widened.schema.map((d) => d.object)).toEqual([
      'column "medium" of "public"."forms"',
      'column "small" of "public"."forms"',
    ]);
    expect(forms(widened).status).toBe('equal');

    await onV2('ALTER TABLE public.forms ALTER COLUMN medium TYPE text');
    expect(forms(await compare()).status).toBe('equal');
    await onV2("UPDATE public.forms SET medium = '0' || medium WHERE id = 9");
    expect(forms(await compare()).differingKeys).toEqual([{ key: '9', kind: 'changed' }]);
  });

  it('fails a timestamptz against a timestamp of the same digits, which a client reads without the offset', async () => {
    await onV2("ALTER TABLE public.forms ALTER COLUMN at TYPE timestamp USING at AT TIME ZONE 'UTC'");
    const result = forms(await compare());
    expect(result.status).toBe('different');
    expect(result.differingRanges).toHaveLength(4);
  });
});

interface PlanNode {
  'Node Type': string;
  'Partial Mode'?: string;
  Output?: string[];
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** The checksum query's plan on one server, with parallel query made free so the planner takes it if it can. */
async function checksumPlan(client: pg.Client): Promise<PlanNode[]> {
  const table = (await listTables(client)).find((t) => t.name === 'forms')!;
  const casts = await typesCastThroughOutput(client, [table]);
  const sql = checksumQuery(table.columns, table, 'true', {
    digest: 'hashtext',
    forms: columnForms(table, table, { dateBin: true }),
    castThroughOutput: casts,
  });
  await client.query(
    'SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0',
  );
  const explained = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
    `EXPLAIN (VERBOSE, FORMAT JSON) ${sql}`,
  );
  return nodes(explained.rows[0]!['QUERY PLAN'][0].Plan);
}

describe('the checksum query', () => {
  it('gives the same verdicts when every range is checksummed by parallel workers', async () => {
    // Parallel query made free for every new session on both servers, the parity's own included.
    const parallel = (on: boolean) =>
      Promise.all(
        [v1, v2].map((server) =>
          server.admin((c) =>
            c.query(
              [
                'parallel_setup_cost',
                'parallel_tuple_cost',
                'min_parallel_table_scan_size',
                'min_parallel_index_scan_size',
              ]
                .map(
                  (name) => `ALTER DATABASE ${server.database} ${on ? `SET ${name} = 0` : `RESET ${name}`}`,
                )
                .join('; '),
            ),
          ),
        ),
      );
    await parallel(true);
    try {
      expect(forms(await compare()).status).toBe('equal');
      await onV2("UPDATE public.forms SET at = at + interval '1 microsecond' WHERE id = 1500");
      expect(forms(await compare()).differingKeys).toEqual([{ key: '1500', kind: 'changed' }]);
    } finally {
      await parallel(false);
    }
  });

  it.each(['v1', 'v2'] as const)(
    'runs in parallel workers on %s, each row digested once in the scan below the sums',
    async (side) => {
      const plan = await (side === 'v1' ? v1 : v2).session(checksumPlan);
      const types = plan.map((n) => n['Node Type']);
      expect(types).toContain('Gather');
      expect(
        plan.find((n) => n['Node Type'] === 'Aggregate' && n['Partial Mode'] === 'Partial'),
      ).toBeDefined();
      // The subquery's guard is computed by the scan itself: the subquery was not pulled up into the sums.
      const scan = plan.find((n) => n['Node Type'] === 'Seq Scan')!;
      expect(scan.Output!.some((o) => o.includes('pg_is_in_recovery()'))).toBe(true);
    },
  );
});
