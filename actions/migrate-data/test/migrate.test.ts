import { applyPaymentsSchema, startLab, type Lab } from '@dbmig/sandbox';
import { checkpointParameter } from '@dbmig/shared';
import {
  errorsOf,
  everythingPrinted,
  ledgerTypes,
  mutatingCalls,
  runMigrate,
  tableDigests,
  tablesEqual,
} from './run-migrate.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ scenario: 'payments-world' });
});
afterAll(async () => {
  await lab?.stop();
});

describe('migrate-data on the payments world', () => {
  it('plans, backs v1 up and awaits it, then copies every row and item to v2', async () => {
    const run = await runMigrate(lab);
    expect(errorsOf(run)).toEqual([]);
    expect(run.exitCode).toBe(0);

    // The plan came first, then the backups, awaited, then the data.
    const planAt = run.stdout.indexOf('Plan — backup:');
    const availableAt = run.stdout.search(/Cluster snapshot .* available/);
    expect(planAt).toBeGreaterThanOrEqual(0);
    expect(availableAt).toBeGreaterThan(planAt);

    const backups = JSON.parse(run.outputs['backups']!) as {
      kind: string;
      identifier: string;
      status: string;
    }[];
    expect(backups.map((b) => [b.kind, b.status])).toEqual([
      ['cluster-snapshot', 'available'],
      ['table-backup', 'AVAILABLE'],
    ]);
    // Unique per run: the harness's run id is in the identifier, not only the day.
    expect(backups[0]!.identifier).toMatch(/^primary-db-cluster-dev-.*r\d+-1$/);
    const snapshot = [...lab.sandbox.world.region('us-east-1').clusterSnapshots.values()][0]!;
    expect(snapshot.tags).toEqual(
      expect.arrayContaining([
        { key: 'Purpose', value: 'PreMigrationBackup' },
        { key: 'Environment', value: 'dev' },
      ]),
    );

    // Every table, by content.
    expect(await tableDigests(lab.databases.v2)).toEqual(await tableDigests(lab.databases.v1));
    const tables = JSON.parse(run.outputs['tables']!) as Record<string, { rows: number; bytes: number }>;
    expect(tables['public.payments']!.rows).toBe(5000);
    expect(tables['public.payments']!.bytes).toBeGreaterThan(0);

    // Every item, by content.
    expect(run.outputs['items']).toBe('2000');
    expect(await tablesEqual(lab)).toBe(true);
    // A finished copy leaves no checkpoint behind.
    expect(lab.sandbox.world.region('us-east-1').parameters.has(checkpointParameter('dev'))).toBe(false);

    // The summary shows the plan, the backups and every table.
    expect(run.summary).toContain('Backups of v1');
    expect(run.summary).toContain('public.payments');
    // Neither database's password reached the log, the outputs or the summary.
    for (const server of [lab.databases.v1, lab.databases.v2]) {
      expect(everythingPrinted(run)).not.toContain(server.password);
      expect(run.masks).toContain(server.password);
    }

    // The ledger holds what was made and moved, for the later phases' guards.
    expect(await ledgerTypes(lab)).toEqual(['backup-made', 'data-copied']);

    // A second run refuses to copy over what is there, and says how to go on; nothing changes.
    const before = lab.sandbox.requests.length;
    const again = await runMigrate(lab, { steps: 'postgres,dynamodb' });
    expect(again.exitCode).toBe(1);
    expect(errorsOf(again).join('\n')).toMatch(/allow-non-empty-target/);
    expect(mutatingCalls(lab, before)).toEqual([]);

    // Allowed, the re-run ends with v2 identical to v1 again.
    await lab.databases.v2.session((c) =>
      c.query(`UPDATE public.accounts SET holder_name = 'changed' WHERE id = 3`),
    );
    const rerun = await runMigrate(lab, { steps: 'postgres,dynamodb', 'allow-non-empty-target': 'true' });
    expect(errorsOf(rerun)).toEqual([]);
    expect(await tableDigests(lab.databases.v2)).toEqual(await tableDigests(lab.databases.v1));
    expect(await tablesEqual(lab)).toBe(true);
  });

  it("dry-run prints every step's plan and changes nothing", async () => {
    await lab.load('payments-world');
    const before = lab.sandbox.requests.length;
    const run = await runMigrate(lab, { 'dry-run': 'true' });
    expect(errorsOf(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    for (const step of ['backup', 'postgres', 'dynamodb']) expect(run.stdout).toContain(`Plan — ${step}:`);
    expect(run.stdout).toContain('nothing was changed');
    expect(mutatingCalls(lab, before)).toEqual([]);
    expect(Object.keys(await tableDigests(lab.databases.v2))).toEqual([]);
    expect(run.summary).toContain('Dry run');
    expect(await ledgerTypes(lab)).toEqual([]);
  });

  it('schema existing: copies into the schema the application made, without pg_dump', async () => {
    await lab.load('payments-world');
    // The application's migrations, standing in: v1's schema, made on v2 without pg_dump.
    await applyPaymentsSchema(lab.databases.v2);
    const run = await runMigrate(lab, {
      steps: 'postgres',
      schema: 'existing',
      'pg-dump': '/nonexistent/pg_dump',
    });
    expect(errorsOf(run)).toEqual([]);
    expect(await tableDigests(lab.databases.v2)).toEqual(await tableDigests(lab.databases.v1));
  });
});
