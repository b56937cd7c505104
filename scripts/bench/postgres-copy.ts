/**
 * PostgreSQL copy (step 2.2) of the same 2,000,000 rows between the same two servers, v2 emptied before
 * each contender and checked against v1 after it:
 *   - ours: `copyPostgres`, schema copy, jobs 2;
 *   - `pg_dump -Fc` then `pg_restore -j 2` (pg_restore cannot run parallel jobs on a pipe, so the dump goes
 *     to a file first; the time is both together);
 *   - `pgcopydb clone --table-jobs 2 --index-jobs 2` (installed from Debian's package when missing).
 * Target: ours at least as fast as pgcopydb. TLS off for all three.
 */
import { startPostgres } from '@dbmig/sandbox';
import { copyPostgres, type PostgresEndpoint } from '@dbmig/shared';
import { BENCH_ROWS, endpointOf, seedBenchData } from './payments-data.js';
import { assertSameState, checkpoint, databaseState, emptyDatabase } from './pg-state.js';
import {
  connectionUri,
  ensurePgcopydb,
  runTool,
  toolEnvironment,
  versionOf,
  withWorkDir,
} from './pg-tools.js';
import { count, describeMachine, median, printTable, seconds, timed, times, verdict } from './report.js';

const JOBS = 2;
/** Rounds of all three, interleaved so that each sees the same load on the machine. */
const ROUNDS = 2;

interface Contender {
  name: string;
  /** Copies v1 into the empty v2; resolves with extra detail for the table (e.g. the parts of its time). */
  run(source: PostgresEndpoint, target: PostgresEndpoint): Promise<string>;
}

const ours: Contender = {
  name: `ours: copyPostgres, schema copy, jobs ${JOBS}`,
  async run(source, target) {
    const { result } = await copyPostgres(source, target, { schema: 'copy', jobs: JOBS });
    if (!result) throw new Error('copyPostgres returned no result');
    const rows = result.tables.reduce((sum, t) => sum + t.rows, 0);
    return `${count(rows)} rows in ${result.tables.length} tables`;
  },
};

const dumpRestore: Contender = {
  name: `pg_dump -Fc, then pg_restore -j ${JOBS}`,
  run: (source, target) =>
    withWorkDir([source, target], async (dir, passfile) => {
      const env = toolEnvironment(dir, passfile);
      const file = `${dir}/v1.dump`;
      const dump = await timed(() =>
        runTool('pg_dump', ['-Fc', '-f', file, '-d', connectionUri(source)], env),
      );
      const restore = await timed(() =>
        runTool('pg_restore', ['-j', String(JOBS), '-d', connectionUri(target), file], env),
      );
      return `dump ${seconds(dump.seconds)} + restore ${seconds(restore.seconds)}`;
    }),
};

const pgcopydb: Contender = {
  name: `pgcopydb clone --table-jobs ${JOBS} --index-jobs ${JOBS}`,
  run: (source, target) =>
    withWorkDir([source, target], async (dir, passfile) => {
      const args = [
        'clone',
        '--source',
        connectionUri(source),
        '--target',
        connectionUri(target),
        '--table-jobs',
        String(JOBS),
        '--index-jobs',
        String(JOBS),
        '--dir',
        `${dir}/pgcopydb`,
      ];
      await runTool('pgcopydb', args, toolEnvironment(dir, passfile));
      return '';
    }),
};

/** The PostgreSQL copy benchmark; true when ours was at least as fast as pgcopydb (or pgcopydb was skipped). */
export async function benchPostgresCopy(): Promise<boolean> {
  console.log(describeMachine());
  const log = (line: string) => console.log(`  ${line}`);
  const pgcopydbVersion = ensurePgcopydb(log);
  const [v1, v2] = await Promise.all([
    startPostgres({ name: 'bench-v1' }),
    startPostgres({ name: 'bench-v2' }),
  ]);
  try {
    const source = endpointOf(v1, 'v1');
    const target = endpointOf(v2, 'v2');
    const seeded = await timed(() => seedBenchData(v1));
    const expected = await databaseState(source);
    console.log(
      `PostgreSQL copy: v1 seeded with ${count(BENCH_ROWS)} rows in 3 tables in ${seconds(seeded.seconds)} ` +
        `(PostgreSQL ${v1.major} on both sides; ${versionOf('pg_dump')}; ${pgcopydbVersion ?? 'no pgcopydb'})`,
    );

    const contenders = [ours, dumpRestore, ...(pgcopydbVersion ? [pgcopydb] : [])];
    const samples = new Map<Contender, { seconds: number; detail: string }[]>(contenders.map((c) => [c, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const contender of contenders) {
        await emptyDatabase(v2);
        await checkpoint(v1);
        const { seconds: took, value: detail } = await timed(() => contender.run(source, target));
        assertSameState(contender.name, expected, await databaseState(target));
        samples.get(contender)!.push({ seconds: took, detail });
      }
    }

    const secondsOf = (contender: Contender) => median(samples.get(contender)!.map((s) => s.seconds));
    const oursSeconds = secondsOf(ours);
    const rows: string[][] = [
      ['contender', `seconds (median of ${ROUNDS})`, 'rows/s', 'ours is', 'rounds', 'last round'],
    ];
    for (const contender of contenders) {
      const took = secondsOf(contender);
      const runs = samples.get(contender)!;
      rows.push([
        contender.name,
        seconds(took),
        count(BENCH_ROWS / took),
        contender === ours ? '' : `${times(took / oursSeconds)} as fast`,
        runs.map((r) => r.seconds.toFixed(2)).join(', '),
        runs.at(-1)!.detail,
      ]);
    }
    printTable(
      `PostgreSQL copy of ${count(BENCH_ROWS)} rows, v1 → empty v2, each checked against v1 after:`,
      rows,
    );
    console.log('Targets:');
    if (!samples.has(pgcopydb)) {
      console.log(verdict(true, 'ours vs pgcopydb: not measured (pgcopydb skipped, see above)'));
      return true;
    }
    const theirs = secondsOf(pgcopydb);
    const met = oursSeconds <= theirs;
    console.log(
      verdict(
        met,
        `ours ${seconds(oursSeconds)} vs pgcopydb ${seconds(theirs)}: ${times(theirs / oursSeconds)} as fast (target ≥ ×1.00)`,
      ),
    );
    return met;
  } finally {
    await Promise.all([v1.stop(), v2.stop()]);
  }
}
