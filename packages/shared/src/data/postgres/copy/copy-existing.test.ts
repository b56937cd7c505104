import { startPostgres, type PostgresServer } from '@dbmig/sandbox';
import type { PostgresEndpoint } from '../connection.js';
import {
  endpointOf,
  ROWS_SQL,
  schemaObjects,
  SCHEMA_SQL,
  sequenceStates,
  tableDigests,
} from './copy.fixture.js';
import { copyPostgres, planPostgresCopy, PostgresCopyRefusal, runPostgresCopy } from './index.js';

// v2's schema made by the application's own migrations (the same DDL), checked against v1, no pg_dump.
let v1: PostgresServer;
let v2: PostgresServer;
let source: PostgresEndpoint;
let target: PostgresEndpoint;
const NO_PG_DUMP = '/nonexistent/pg_dump';

beforeAll(async () => {
  [v1, v2] = await Promise.all([
    startPostgres({ name: 'existing-v1' }),
    startPostgres({ name: 'existing-v2' }),
  ]);
  source = endpointOf(v1, 'v1');
  target = endpointOf(v2, 'v2');
  await Promise.all([
    v1.session((c) => c.query(`${SCHEMA_SQL}\n${ROWS_SQL}\nANALYZE;`)),
    v2.session((c) => c.query(SCHEMA_SQL)),
  ]);
});

afterAll(async () => {
  await Promise.all([v1?.stop(), v2?.stop()]);
});

async function refusalOf(promise: Promise<unknown>): Promise<PostgresCopyRefusal> {
  const error = await promise.then(() => undefined).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PostgresCopyRefusal);
  return error as PostgresCopyRefusal;
}

describe('PostgreSQL copy, schema: existing', () => {
  it("lists every difference between v2's schema and v1's, and loads nothing", async () => {
    await v2.session((c) =>
      c.query(`
        ALTER TABLE billing.payments ALTER COLUMN note TYPE varchar(50);
        ALTER TABLE public.audit_log ADD COLUMN extra int;
        CREATE TABLE public.extra (id int);
        DROP SEQUENCE public.invoice_numbers;
      `),
    );
    const refusal = await refusalOf(
      planPostgresCopy(source, target, { schema: 'existing', pgDump: NO_PG_DUMP }),
    );
    expect(refusal.problems).toEqual([
      'column billing.payments.note is text on v1 but character varying(50) on v2',
      'column public.audit_log.extra (integer) is on v2, not on v1',
      'table public.extra is on v2, not on v1',
      'sequence public.invoice_numbers is on v1, not on v2',
    ]);
    expect(Object.values(await tableDigests(target)).every((d) => d.startsWith('0 '))).toBe(true);
    await v2.session((c) =>
      c.query(`
        ALTER TABLE billing.payments ALTER COLUMN note TYPE text;
        ALTER TABLE public.audit_log DROP COLUMN extra;
        DROP TABLE public.extra;
        CREATE SEQUENCE public.invoice_numbers START 1000;
      `),
    );
  });

  it('re-checks right before loading: refuses when v2 got rows or v1 changed since the plan', async () => {
    const plan = await planPostgresCopy(source, target, { schema: 'existing' });
    await v2.session((c) =>
      c.query(`INSERT INTO public.audit_log (message) VALUES ('written after the plan')`),
    );
    await expect(runPostgresCopy(plan)).rejects.toThrow(
      /v2 127\.0\.0\.1:\d+\/paymentsdb got rows in public\.audit_log since the plan; nothing was loaded/,
    );
    expect((await tableDigests(target))['public.audit_log']).toMatch(/^1 /); // not truncated
    await v2.session((c) => c.query('DELETE FROM public.audit_log'));

    const again = await planPostgresCopy(source, target, { schema: 'existing' });
    await v1.session((c) => c.query('ALTER TABLE public.audit_log ADD COLUMN late int'));
    await expect(runPostgresCopy(again)).rejects.toThrow(
      /v1's tables changed since the plan \(now public\.audit_log\(/,
    );
    await v1.session((c) => c.query('ALTER TABLE public.audit_log DROP COLUMN late'));
    expect(Object.values(await tableDigests(target)).every((d) => d.startsWith('0 '))).toBe(true);
  });

  it('copies every row into the tables the migrations made, parents before children, without pg_dump', async () => {
    const lines: string[] = [];
    const { plan, result } = await copyPostgres(source, target, {
      schema: 'existing',
      pgDump: NO_PG_DUMP,
      jobs: 3,
      ranges: 4,
      log: (line) => lines.push(line),
    });
    expect(plan.pgDump).toBeUndefined();
    expect(plan.steps).toEqual(['snapshot', 'data', 'sequences', 'analyze']);
    const byName = new Map(plan.tables.map((t) => [t.table.name, t]));
    expect(byName.get('customers')!.level).toBe(0);
    expect(byName.get('payments')!.level).toBe(1);
    expect(byName.get('refunds')!.level).toBe(2);
    expect(byName.get('payments')!.ranges).toHaveLength(4);
    // It references itself on v2: one piece, so that a row may point at one loaded after it.
    expect(byName.get('categories')!.ranges).toHaveLength(1);
    expect(lines).toContain("schema: existing, v2's tables match v1's; no pg_dump needed");

    expect(await tableDigests(target)).toEqual(await tableDigests(source));
    expect(result!.preData).toEqual({ applied: 0, skipped: 0 });
    expect(result!.postData).toEqual({ applied: 0, skipped: 0 });
    expect(await schemaObjects(target)).toEqual(await schemaObjects(source));
    expect(await sequenceStates(target)).toEqual(await sequenceStates(source));
  });

  it('refuses a v2 holding rows unless allowed; a re-run then ends identical', async () => {
    const refusal = await refusalOf(planPostgresCopy(source, target, { schema: 'existing' }));
    expect(refusal.message).toMatch(
      /v2 127\.0\.0\.1:\d+\/paymentsdb already holds rows in billing\.customers/,
    );
    expect(refusal.message).toContain('allow-non-empty-target');

    await v2.session((c) =>
      c.query(`
        UPDATE public.categories SET parent_id = NULL WHERE id = 400;
        DELETE FROM public.categories WHERE id > 400;
        UPDATE billing.payments SET note = 'x' WHERE id = 17;
        INSERT INTO public.audit_log (message) VALUES ('seeded by a migration');
      `),
    );
    const plan = await planPostgresCopy(source, target, {
      schema: 'existing',
      allowNonEmptyTarget: true,
      ranges: 2,
    });
    expect(plan.targetNonEmpty).toBe(true);
    await runPostgresCopy(plan);
    expect(await tableDigests(target)).toEqual(await tableDigests(source));
  });
});
