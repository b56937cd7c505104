import { applyPaymentsSchema, runAction, startLab, type Lab } from '@dbmig/sandbox';
import { replicationNames } from '@dbmig/shared';
import { errorsOf, reportOf, runVerify } from './run-verify.js';

// verify-v2 `check: replication`, through the bundled action, on the replication migrate-data starts.

let lab: Lab;
const names = replicationNames('dev');

beforeAll(async () => {
  lab = await startLab({ scenario: 'payments-world-replication' });
  await applyPaymentsSchema(lab.databases.v2);
  const started = await runAction({
    actionDir: 'actions/migrate-data',
    inputs: {
      environment: 'dev',
      steps: 'postgres',
      schema: 'existing',
      replication: 'logical',
      'allow-replica-identity-full': 'true',
    },
    env: lab.env(),
    timeoutMs: 180_000,
  });
  expect(errorsOf(started)).toEqual([]);
});
afterAll(async () => {
  await lab?.stop();
});

const statuses = (run: Awaited<ReturnType<typeof runVerify>>) =>
  Object.fromEntries(reportOf(run).checks.map((c) => [c.id, c.status]));

describe('verify-v2 check: replication', () => {
  it('passes while the slot streams to the subscription, under the lag gate, with matching schemas', async () => {
    await lab.databases.v1.session((c) => c.query(`UPDATE payments SET memo = 'replicated' WHERE id <= 100`));
    const run = await runVerify(lab, { check: 'replication', 'max-cdc-lag-seconds': '5' });
    expect(errorsOf(run)).toEqual([]);
    expect(statuses(run)).toEqual({
      'replication-running': 'pass',
      'replication-lag': 'pass',
      'schema-drift': 'pass',
    });
    const output = JSON.parse(run.outputs['replication']!) as { slot: string; lag: { bytes: number } };
    expect(output.slot).toBe(names.slot);
    expect(run.stdout).toContain('Recorded in the ledger: replication-verified');
  });

  it('fails on a column added on v1 and on a table created on v1 after the copy, naming each', async () => {
    await lab.databases.v1.session((c) =>
      c.query('ALTER TABLE refunds ADD COLUMN channel text; CREATE TABLE promotions (id bigint PRIMARY KEY)'),
    );
    try {
      const run = await runVerify(lab, { check: 'replication' });
      expect(run.exitCode).toBe(1);
      const drift = reportOf(run).checks.find((c) => c.id === 'schema-drift')!;
      expect(drift.status).toBe('fail');
      expect(drift.detail).toContain('column public.refunds.channel (text) is on v1, not on v2');
      expect(drift.detail).toContain('table public.promotions is on v1 but not replicated');
      expect(errorsOf(run)[0]).toMatch(/^replication from v1 to v2 is not sound for dev: schema-drift/);
    } finally {
      await lab.databases.v1.session((c) =>
        c.query('ALTER TABLE refunds DROP COLUMN channel; DROP TABLE promotions'),
      );
    }
  });

  it('fails when the subscription stopped applying: the lag cannot be measured and v2 falls behind', async () => {
    await lab.databases.v2.admin((c) => c.query(`ALTER SUBSCRIPTION ${names.subscription} DISABLE`));
    try {
      // Until the walsender notices, the slot may still read active; writes on v1 then pile up behind it.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await lab.databases.v1.session((c) => c.query(`UPDATE payments SET memo = 'behind' WHERE id <= 500`));
      const run = await runVerify(lab, { check: 'replication' });
      expect(run.exitCode).toBe(1);
      expect(statuses(run)).toMatchObject({ 'replication-running': 'fail', 'replication-lag': 'fail' });
      const lag = reportOf(run).checks.find((c) => c.id === 'replication-lag')!;
      expect(lag.detail).toMatch(
        /bytes of WAL behind, and (no replay lag is reported|v2 confirmed none of it)/,
      );
    } finally {
      await lab.databases.v2.admin((c) => c.query(`ALTER SUBSCRIPTION ${names.subscription} ENABLE`));
    }
  });

  it('fails with the way to start it when no replication runs', async () => {
    await lab.load('payments-world-replication');
    const run = await runVerify(lab, { check: 'replication' });
    expect(run.exitCode).toBe(1);
    const running = reportOf(run).checks.find((c) => c.id === 'replication-running')!;
    expect(running.detail).toBe(
      `no replication slot ${names.slot} on v1: start replication with migrate-data (replication: logical)`,
    );
  });
});
