import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startPostgres, type PostgresServer } from '@dbmig/sandbox';
import { withPostgres, type PostgresEndpoint } from '../connection.js';
import {
  endpointOf,
  ROWS_SQL,
  schemaObjects,
  SCHEMA_SQL,
  sequenceStates,
  tableDigests,
} from './copy.fixture.js';
import { copyPostgres, PostgresCopyRefusal, planPostgresCopy, runPostgresCopy } from './index.js';

// v1 with the payments-like schema and rows; v2 empty, as a fresh v2 cluster is. One copy, then re-runs.
let v1: PostgresServer;
let v2: PostgresServer;
let source: PostgresEndpoint;
let target: PostgresEndpoint;
let scratch: string;

beforeAll(async () => {
  [v1, v2] = await Promise.all([startPostgres({ name: 'copy-v1' }), startPostgres({ name: 'copy-v2' })]);
  source = endpointOf(v1, 'v1');
  target = endpointOf(v2, 'v2');
  await v1.session((c) => c.query(`${SCHEMA_SQL}\n${ROWS_SQL}\nANALYZE;`));
  // v2's OID counter ahead of v1's, as on a server with a history of its own: an array of an enum then has
  // another element-type OID on each side, which binary COPY would refuse.
  await v2.session((c) => c.query(`CREATE TYPE public.scratch AS ENUM ('x'); DROP TYPE public.scratch;`));
  scratch = await mkdtemp(path.join(os.tmpdir(), 'dbmig-copy-test-'));
});

afterAll(async () => {
  await Promise.all([v1?.stop(), v2?.stop()]);
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** A stand-in pg_dump: a script that prints `--version` as an older client would. */
async function fakePgDump(version: string): Promise<string> {
  const file = path.join(scratch, `pg_dump-${version}`);
  await writeFile(file, `#!/bin/sh\necho "pg_dump (PostgreSQL) ${version}"\n`);
  await chmod(file, 0o755);
  return file;
}

/**
 * The real pg_dump behind a script that records, before exec'ing it, its own environment and argument list
 * (exec keeps both, so they are pg_dump's) and the mode of the password file it was given.
 */
async function recordingPgDump(): Promise<{ path: string; records: () => Promise<string[]> }> {
  const dir = path.join(scratch, 'records');
  await mkdir(dir, { recursive: true });
  const file = path.join(scratch, 'pg_dump-recording');
  await writeFile(
    file,
    [
      '#!/bin/sh',
      `cat /proc/$$/environ > ${dir}/$$.environ`,
      `cat /proc/$$/cmdline > ${dir}/$$.cmdline`,
      `if [ -n "$PGPASSFILE" ]; then stat -c %a "$PGPASSFILE" > ${dir}/$$.mode; echo "$PGPASSFILE" > ${dir}/$$.passfile; fi`,
      'exec /usr/bin/pg_dump "$@"',
      '',
    ].join('\n'),
  );
  await chmod(file, 0o755);
  return {
    path: file,
    records: async () => {
      const names = await readdir(dir);
      return Promise.all(
        names.sort().map(async (n) => `${n}:${await readFile(path.join(dir, n), 'latin1')}`),
      );
    },
  };
}

/** Reads every process's argument list (and pg_dump's environment) until stopped; what it saw. */
function watchProcesses(): { stop: () => Promise<{ cmdlines: string[]; pgDumpEnvironments: string[] }> } {
  const cmdlines = new Set<string>();
  const pgDumpEnvironments: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const pid of await readdir('/proc')) {
        if (!/^\d+$/.test(pid)) continue;
        const cmdline = await readFile(`/proc/${pid}/cmdline`, 'latin1').catch(() => '');
        if (cmdline === '') continue;
        cmdlines.add(cmdline);
        if (cmdline.startsWith('/usr/bin/pg_dump')) {
          const environ = await readFile(`/proc/${pid}/environ`, 'latin1').catch(() => '');
          if (environ) pgDumpEnvironments.push(environ);
        }
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { cmdlines: [...cmdlines], pgDumpEnvironments };
    },
  };
}

describe('PostgreSQL copy, schema: copy', () => {
  it('refuses when pg_dump is missing or older than v1, saying how to get one and that existing needs none', async () => {
    const missing = await planPostgresCopy(source, target, {
      schema: 'copy',
      pgDump: path.join(scratch, 'none'),
    })
      .then(() => undefined)
      .catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(PostgresCopyRefusal);
    expect((missing as Error).message).toContain(`${path.join(scratch, 'none')} does not exist`);
    expect((missing as Error).message).toContain('postgresql-client-15');
    expect((missing as Error).message).toContain('schema: existing');

    const older = await planPostgresCopy(source, target, { schema: 'copy', pgDump: await fakePgDump('13.4') })
      .then(() => undefined)
      .catch((error: unknown) => error);
    expect(older).toBeInstanceOf(PostgresCopyRefusal);
    expect((older as Error).message).toMatch(/is version 13\.4, older than v1's server \(PostgreSQL 15\)/);
    expect((older as Error).message).toContain('postgresql-client-15');

    // A newer client is fine.
    const newer = await planPostgresCopy(source, target, {
      schema: 'copy',
      pgDump: await fakePgDump('17.2'),
    });
    expect(newer.pgDump).toMatchObject({ version: '17.2', major: 17 });
  });

  it("refuses when v1 grants privileges to a role v2 lacks (pg_dump's grants would fail on v2)", async () => {
    await v1.admin((c) => c.query('CREATE ROLE reporting; GRANT SELECT ON billing.payments TO reporting'));
    try {
      const refusal = await planPostgresCopy(source, target, { schema: 'copy' })
        .then(() => undefined)
        .catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(PostgresCopyRefusal);
      expect((refusal as PostgresCopyRefusal).problems).toEqual([
        expect.stringMatching(
          /^v1 grants privileges to role\(s\) reporting, which v2 127\.0\.0\.1:\d+\/paymentsdb does not have/,
        ),
      ]);
    } finally {
      await v1.admin((c) => c.query('REVOKE ALL ON billing.payments FROM reporting; DROP ROLE reporting'));
    }
  });

  it('copies schema, rows, indexes, constraints, triggers and sequences; no password in any argument list, environment or log', async () => {
    const pgDump = await recordingPgDump();
    const lines: string[] = [];
    const watcher = watchProcesses();
    const outcome = await copyPostgres(source, target, {
      schema: 'copy',
      jobs: 3,
      ranges: 4,
      pgDump: pgDump.path,
      log: (line) => lines.push(line),
    }).finally(() => watcher.stop());
    const seen = await watcher.stop();
    const { plan, result } = outcome;

    // The plan: the biggest table in four ranges; the enum array travels as text; the rest binary.
    const payments = plan.tables.find((t) => t.table.name === 'payments')!;
    expect(payments.ranges).toHaveLength(4);
    expect(plan.tables.find((t) => t.table.name === 'refunds')!.format).toBe('text');
    expect(payments.format).toBe('binary');
    expect(plan.steps).toEqual(['snapshot', 'pre-data', 'data', 'post-data', 'sequences', 'analyze']);
    expect(lines[0]).toMatch(
      /^PostgreSQL copy from v1 127\.0\.0\.1:\d+\/paymentsdb \(PostgreSQL 15\.\d+\) to v2/,
    );

    // Every table's content equals v1's.
    const [digestsV1, digestsV2] = await Promise.all([tableDigests(source), tableDigests(target)]);
    expect(Object.keys(digestsV1)).toHaveLength(7); // the partitioned parent's rows are its partitions'
    expect(digestsV2).toEqual(digestsV1);
    expect(result!.tables.find((t) => t.table === 'billing.payments')).toMatchObject({ rows: 30000 });
    for (const table of result!.tables) {
      expect(table.rows).toBe(Number(digestsV1[table.table]!.split(' ')[0]));
      expect(table.bytes).toBeGreaterThan(0);
      expect(lines).toContainEqual(
        expect.stringMatching(new RegExp(`^data: ${table.table}: [\\d,]+ rows, .*, done$`)),
      );
    }

    // Indexes, constraints and triggers are there, and they work.
    const objects = await schemaObjects(source);
    expect(objects.length).toBeGreaterThan(12);
    expect(await schemaObjects(target)).toEqual(objects);
    await expect(
      v2.session((c) =>
        c.query(`INSERT INTO billing.payments (id, customer_id, amount) VALUES (999999, 999999, 1)`),
      ),
    ).rejects.toMatchObject({ code: '23503' });

    // Every table loaded has planner statistics on v2: the first queries after the cutover are not planned blind.
    const analyzed = await v2.admin((c) =>
      c.query<{ n: string; names: string | null }>(
        `SELECT count(*) AS n, string_agg(s.schemaname || '.' || s.relname, ', ') AS names
           FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
          WHERE c.relkind = 'r' AND s.last_analyze IS NULL AND s.last_autoanalyze IS NULL`,
      ),
    );
    expect(analyzed.rows[0]!.names).toBeNull();
    // The partitioned parent too (statistics across its partitions, in pg_statistic with stainherit).
    const parent = await v2.admin((c) =>
      c.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_statistic WHERE starelid = 'public.events'::regclass AND stainherit`,
      ),
    );
    expect(Number(parent.rows[0]!.n)).toBeGreaterThan(0);

    // Sequences follow v1's: the next value on v2 is past every value v1 handed out.
    expect(await sequenceStates(target)).toEqual(await sequenceStates(source));
    const next = await v2.session((c) =>
      c.query<{ p: string; i: string }>(
        `SELECT nextval('billing.payments_id_seq')::text AS p, nextval('public.invoice_numbers')::text AS i`,
      ),
    );
    expect(Number(next.rows[0]!.p)).toBe(30001);
    expect(Number(next.rows[0]!.i)).toBe(1003);
    await v2.session((c) =>
      c.query(`SELECT setval('billing.payments_id_seq', 30000), setval('public.invoice_numbers', 1002)`),
    );

    // The password reached pg_dump only through the 0600 password file, removed afterwards.
    const records = await pgDump.records();
    expect(records.filter((r) => r.includes('.environ:')).length).toBeGreaterThanOrEqual(3); // --version, two sections
    // The records are pg_dump's own: its arguments (with the snapshot) and an environment naming the file.
    expect(records.join('\n')).toContain('--snapshot=');
    expect(records.join('\n')).toContain('PGPASSFILE=');
    for (const record of records) expect(record).not.toContain(v1.password);
    expect(records.filter((r) => r.includes('.mode:'))).toEqual(
      expect.arrayContaining([expect.stringMatching(/\.mode:600\n$/)]),
    );
    for (const record of records.filter((r) => r.includes('.mode:'))) expect(record).toMatch(/:600\n$/);
    for (const record of records.filter((r) => r.includes('.passfile:'))) {
      const file = record.split(':')[1]!.trim();
      await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' });
    }
    expect(records.join('\n')).not.toContain('PGPASSWORD');
    expect(seen.cmdlines.some((c) => c.startsWith('postgres'))).toBe(true); // the watcher did see processes
    for (const cmdline of seen.cmdlines) {
      expect(cmdline).not.toContain(v1.password);
      expect(cmdline).not.toContain(v2.password);
    }
    for (const environ of seen.pgDumpEnvironments) expect(environ).not.toContain(v1.password);
    for (const line of lines) {
      expect(line).not.toContain(v1.password);
      expect(line).not.toContain(v2.password);
    }
  });

  it('refuses a non-empty v2 without allow-non-empty-target, and changes nothing', async () => {
    await v2.session((c) => c.query(`DELETE FROM public.audit_log WHERE message = 'event 7 '`));
    const before = await tableDigests(target);
    const refusal = await planPostgresCopy(source, target, { schema: 'copy' })
      .then(() => undefined)
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(PostgresCopyRefusal);
    expect((refusal as Error).message).toMatch(
      /v2 127\.0\.0\.1:\d+\/paymentsdb is not empty: it has 8 table\(s\)/,
    );
    expect((refusal as Error).message).toContain('billing.customers');
    expect((refusal as Error).message).toContain('allow-non-empty-target');
    expect(await tableDigests(target)).toEqual(before);
  });

  it('a re-run with allow-non-empty-target ends with v2 identical to v1, whatever an earlier run left', async () => {
    // What a killed run, or someone, may leave: rows missing, rows added, an index not built yet.
    await v2.session((c) =>
      c.query(`
        DELETE FROM billing.payments WHERE id % 10 = 0 AND id NOT IN (SELECT payment_id FROM billing.refunds);
        INSERT INTO public.audit_log (message) VALUES ('stray');
        UPDATE billing.customers SET name = 'changed' WHERE id = 5;
        DROP INDEX billing.payments_customer_idx;
      `),
    );
    expect(await tableDigests(target)).not.toEqual(await tableDigests(source));
    const lines: string[] = [];
    const plan = await planPostgresCopy(source, target, {
      schema: 'copy',
      jobs: 2,
      ranges: 3,
      allowNonEmptyTarget: true,
      log: (line) => lines.push(line),
    });

    expect(plan.targetNonEmpty).toBe(true);
    // With the earlier run's foreign keys on v2, parents load before children.
    expect(plan.tables.find((t) => t.table.name === 'payments')!.level).toBe(1);
    expect(plan.tables.find((t) => t.table.name === 'refunds')!.level).toBe(2);
    expect(plan.tables.find((t) => t.table.name === 'categories')!.ranges).toHaveLength(1);
    const result = await runPostgresCopy(plan);
    expect(result.preData.skipped).toBeGreaterThan(10);
    // The dropped index is built again (attachments of partition indexes are applied again too: a no-op);
    // every other index, constraint and trigger was already there.
    expect(result.postData.applied).toBe(3);
    expect(result.postData.skipped).toBeGreaterThan(8);
    expect(await tableDigests(target)).toEqual(await tableDigests(source));
    expect(await schemaObjects(target)).toEqual(await schemaObjects(source));
    expect(await sequenceStates(target)).toEqual(await sequenceStates(source));

    // And again, after a completed run: still identical.
    await runPostgresCopy(
      await planPostgresCopy(source, target, { schema: 'copy', allowNonEmptyTarget: true }),
    );
    expect(await tableDigests(target)).toEqual(await tableDigests(source));
  });

  it('stops after the plan on a dry run', async () => {
    await withPostgres(target, (c) => c.query(`INSERT INTO public.audit_log (message) VALUES ('dry')`));
    const before = await tableDigests(target);
    const lines: string[] = [];
    const { plan, result } = await copyPostgres(source, target, {
      schema: 'copy',
      allowNonEmptyTarget: true,
      dryRun: true,
      log: (line) => lines.push(line),
    });
    expect(result).toBeUndefined();
    expect(lines).toEqual([...plan.describe(), 'dry run: nothing was changed']);
    expect(await tableDigests(target)).toEqual(before);
  });
});
