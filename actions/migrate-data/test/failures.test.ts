import { startLab, type Lab } from '@dbmig/sandbox';
import { errorsOf, mutatingCalls, runMigrate, tableDigests } from './run-migrate.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab();
});
afterAll(async () => {
  await lab?.stop();
});

describe('migrate-data refuses', () => {
  it.each([
    [
      { steps: 'backup,copy' },
      "Input 'steps': 'copy' is not a step; expected a comma-separated list of backup, postgres, dynamodb.",
    ],
    [{ steps: 'postgres,postgres' }, "Input 'steps': lists 'postgres' twice"],
    [{ steps: ' , ' }, "Input 'steps': must be a comma-separated list"],
    [{ jobs: '0' }, "Input 'jobs': must be a whole number from 1 to 32; got '0'."],
    [{ schema: 'dump' }, "Input 'schema': must be one of copy, existing; got 'dump'."],
    [{ 'dynamodb-rate-limit': 'fast' }, "Input 'dynamodb-rate-limit': must be a whole number"],
    [{ 'dry-run': 'yes' }, "Input 'dry-run': must be true or false; got 'yes'."],
    [{ environment: 'Prod!' }, "Input 'environment'"],
  ])('bad input %p before any AWS call', async (inputs, message) => {
    const before = lab.sandbox.requests.length;
    const run = await runMigrate(lab, inputs);
    expect(run.exitCode).toBe(1);
    expect(errorsOf(run).join('\n')).toContain(message);
    expect(lab.sandbox.requests.length).toBe(before);
  });

  it('a snapshot that fails fails the step, and no data is copied', async () => {
    await lab.load('snapshot-fails');
    const run = await runMigrate(lab);
    expect(run.exitCode).toBe(1);
    expect(errorsOf(run).join('\n')).toMatch(
      /Cluster snapshot primary-db-cluster-dev-\S+ of primary-db-cluster-dev \(us-east-1\) ended failed/,
    );
    expect(Object.keys(await tableDigests(lab.databases.v2))).toEqual([]);
    await lab.load('guide-world');
  });

  it('a table backup that never becomes available fails the step, and no data is copied', async () => {
    await lab.load('backup-fails');
    const run = await runMigrate(lab);
    expect(run.exitCode).toBe(1);
    expect(errorsOf(run).join('\n')).toMatch(/session-table-dev/);
    expect(Object.keys(await tableDigests(lab.databases.v2))).toEqual([]);
    await lab.load('guide-world');
  });

  it('schema copy without a pg_dump: refused before anything changes, saying what to do', async () => {
    await lab.load('guide-world');
    const before = lab.sandbox.requests.length;
    const run = await runMigrate(lab, { 'pg-dump': '/nonexistent/pg_dump' });
    expect(run.exitCode).toBe(1);
    const message = errorsOf(run).join('\n');
    expect(message).toContain('/nonexistent/pg_dump');
    expect(message).toContain('schema: existing');
    // Refused at plan time: no snapshot, no backup, no copy.
    expect(mutatingCalls(lab, before)).toEqual([]);
    expect(Object.keys(await tableDigests(lab.databases.v2))).toEqual([]);
  });

  it('a v2 database that already holds tables is refused, and left as it was', async () => {
    await lab.load('v2-not-empty');
    const before = await tableDigests(lab.databases.v2);
    const run = await runMigrate(lab, { steps: 'postgres' });
    expect(run.exitCode).toBe(1);
    expect(errorsOf(run).join('\n')).toMatch(/allow-non-empty-target/);
    expect(await tableDigests(lab.databases.v2)).toEqual(before);
    await lab.load('guide-world');
  });
});
