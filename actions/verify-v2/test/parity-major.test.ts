import { runAction, startLab, type Lab } from '@dbmig/sandbox';
import { errorsOf, reportOf, runVerify } from './run-verify.js';

// A v1 → v2 move often crosses a major version: v1 on PostgreSQL 15, v2 on 17.
let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ scenario: 'payments-world', majors: { v1: 15, v2: 17 } });
});
afterAll(async () => {
  await lab?.stop();
});

it('copies PostgreSQL 15 into 17 and parity passes', async () => {
  const copy = await runAction({
    actionDir: 'actions/migrate-data',
    inputs: { environment: 'dev', steps: 'postgres' },
    env: lab.env(),
    timeoutMs: 180_000,
  });
  expect(errorsOf(copy)).toEqual([]);
  expect(copy.stdout).toMatch(/PostgreSQL 15\.\d+\) to .*\(PostgreSQL 17\.\d+\)/);
  const run = await runVerify(lab, { check: 'parity' });
  const failing = reportOf(run).checks.filter((c) => c.status === 'fail' && c.id !== 'parity-dynamodb');
  expect(failing).toEqual([]);
});
