/**
 * Parity (step 2.4) of the PostgreSQL copy benchmark's data, the same rows on both servers, each method
 * run on v1 and v2 at once with the same number of sessions per side:
 *   - ours: `comparePostgres` (schema, counts and an order-independent checksum per key range, sequences);
 *   - `SELECT count(*)` per table: what the guide's step 2.4 compares;
 *   - a bare read of every row, `SELECT sum(pg_column_size(t))`: the floor for anything that reads content;
 *   - the usual script's ordered digest, `md5(string_agg(t::text, '' ORDER BY pk))`;
 *   - for reference, every row rendered as text and nothing else, `sum(length(t::text))`: the floor for a
 *     check that compares what a client reads (issue 6 asks for that), whatever it then does with the text.
 * Target: ours within 3× the bare read.
 */
import { startPostgres } from '@dbmig/sandbox';
import type pg from 'pg';
import { comparePostgres, connectPostgres, type PostgresEndpoint } from '@dbmig/shared';
import { BENCH_ROWS, benchTables, endpointOf, seedBenchData, type BenchTable } from './payments-data.js';
import { count, describeMachine, median, printTable, seconds, timed, times, verdict } from './report.js';

/** Sessions per side, as the copy's jobs. */
const JOBS = 2;
/** Rounds of every method, interleaved so that all see the same load on the machine. */
const ROUNDS = 3;
const BARE_READ_TARGET_RATIO = 3;

interface Method {
  name: string;
  /** One comparison of v1 with v2. */
  run(): Promise<void>;
}

/**
 * One query per table, spread over a side's sessions, both sides at once; fails when the sides disagree,
 * unless `compare` is false: for a measure whose value depends on the plan, not only on the rows.
 */
function perTable(
  name: string,
  sides: [pg.Client[], pg.Client[]],
  sql: (table: BenchTable) => string,
  compare = true,
): Method {
  const tables = benchTables();
  const side = async (sessions: pg.Client[]): Promise<string[]> => {
    const values: string[] = new Array<string>(tables.length);
    let next = 0;
    await Promise.all(
      sessions.map(async (session) => {
        while (next < tables.length) {
          const index = next++;
          const { rows } = await session.query<{ v: string | null }>(sql(tables[index]!));
          values[index] = rows[0]?.v ?? 'null';
        }
      }),
    );
    return values;
  };
  return {
    name,
    async run() {
      const [v1, v2] = await Promise.all([side(sides[0]), side(sides[1])]);
      if (!compare) return;
      const differ = tables.filter((_, i) => v1[i] !== v2[i]).map((t) => t.table);
      if (differ.length > 0)
        throw new Error(`${name}: v1 and v2 differ in ${differ.join(', ')}, yet hold the same rows`);
    },
  };
}

function oursMethod(v1: PostgresEndpoint, v2: PostgresEndpoint): Method & { digest?: string } {
  const method: Method & { digest?: string } = {
    name: `ours: comparePostgres, ${JOBS} sessions per side`,
    async run() {
      const parity = await comparePostgres(v1, v2, { jobs: JOBS, maxDifferencesListed: 20 });
      if (!parity.equal) {
        throw new Error(
          `comparePostgres found differences in equal data: ${JSON.stringify(parity.toJSON())}`,
        );
      }
      method.digest = parity.digest;
    },
  };
  return method;
}

/** The parity benchmark; true when ours was within 3× the bare read. Starts and stops its own servers. */
export async function benchParity(): Promise<boolean> {
  console.log(describeMachine());
  const [s1, s2] = await Promise.all([
    startPostgres({ name: 'parity-v1' }),
    startPostgres({ name: 'parity-v2' }),
  ]);
  const sessions: [pg.Client[], pg.Client[]] = [[], []];
  try {
    // The same deterministic SQL on both: equal data without depending on a copy.
    const seeded = await timed(() => Promise.all([seedBenchData(s1), seedBenchData(s2)]));
    console.log(
      `Parity: v1 and v2 each seeded with the same ${count(BENCH_ROWS)} rows in 3 tables in ` +
        `${seconds(seeded.seconds)} (PostgreSQL ${s1.major})`,
    );
    const [v1, v2] = [endpointOf(s1, 'v1'), endpointOf(s2, 'v2')];
    // Sessions of the baselines open before the clock starts, with the toolkit's pinned settings.
    for (const [i, endpoint] of [v1, v2].entries()) {
      for (let j = 0; j < JOBS; j++) sessions[i]!.push(await connectPostgres(endpoint, 'bench parity'));
    }

    const ours = oursMethod(v1, v2);
    const methods: Method[] = [
      ours,
      perTable('SELECT count(*) per table', sessions, (t) => `SELECT count(*)::text AS v FROM ${t.table}`),
      perTable(
        'bare read: sum(pg_column_size(t))',
        sessions,
        (t) => `SELECT sum(pg_column_size(t))::text AS v FROM ${t.table} t`,
        // Not compared: the sum moves by a few bytes with the number of processes that read the table
        // (leader and parallel workers), which can differ between the sides when worker slots are busy.
        false,
      ),
      perTable(
        "ordered digest: md5(string_agg(t::text, '' ORDER BY pk))",
        sessions,
        (t) => `SELECT md5(string_agg(t::text, '' ORDER BY ${t.orderBy})) AS v FROM ${t.table} t`,
      ),
      perTable(
        'reference: rendering alone, sum(length(t::text))',
        sessions,
        (t) => `SELECT sum(length(t::text))::text AS v FROM ${t.table} t`,
      ),
    ];
    const samples = new Map<Method, number[]>(methods.map((m) => [m, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const method of methods) samples.get(method)!.push((await timed(() => method.run())).seconds);
    }

    const medianOf = (method: Method) => median(samples.get(method)!);
    const bare = medianOf(methods[2]!);
    const oursSeconds = medianOf(ours);
    const rows: string[][] = [
      ['method (v1 and v2 at once)', `seconds (median of ${ROUNDS})`, 'rows/s per side', '× bare read'],
    ];
    for (const method of methods) {
      const s = medianOf(method);
      rows.push([method.name, seconds(s), count(BENCH_ROWS / s), times(s / bare)]);
    }
    printTable(
      `Parity of ${count(BENCH_ROWS)} rows per side (ours' row digest: ${ours.digest ?? 'unknown'}; ` +
        `rounds of ours: ${samples.get(ours)!.map(seconds).join(', ')}):`,
      rows,
    );
    const met = oursSeconds <= BARE_READ_TARGET_RATIO * bare;
    const rendering = medianOf(methods[4]!);
    console.log('Targets:');
    console.log(
      verdict(
        met,
        `ours ${times(oursSeconds / bare)} the bare read (target ≤ ×${BARE_READ_TARGET_RATIO}); ` +
          `rendering the rows as text alone costs ${times(rendering / bare)} it, ours ${times(oursSeconds / rendering)} that`,
      ),
    );
    return met;
  } finally {
    await Promise.all(sessions.flat().map((session) => session.end().catch(() => undefined)));
    await Promise.all([s1.stop(), s2.stop()]);
  }
}
