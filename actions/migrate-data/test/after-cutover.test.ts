import { startLab, type Lab } from '@dbmig/sandbox';
import { migratedAndVerified, runCutover, runRollback } from '../../cutover/test/phase3.js';
import { errorsOf, ledgerTypes, mutatingCalls, runMigrate, tableDigests } from './run-migrate.js';

// Once the application was cut over to v2, v2 is the live database: a copy into it (with
// allow-non-empty-target it would first empty v2's tables) is refused, dry run included, until a rollback.

let lab: Lab;
beforeAll(async () => {
  lab = await startLab();
  await migratedAndVerified(lab, 'payments-world');
  const cutover = await runCutover(lab);
  expect(errorsOf(cutover)).toEqual([]);
});
afterAll(async () => {
  await lab?.stop();
});

describe('migrate-data after a cutover', () => {
  it('refuses to copy into the live v2, changing nothing', async () => {
    const before = { digests: await tableDigests(lab.databases.v2), ledger: await ledgerTypes(lab) };
    const from = lab.sandbox.requests.length;
    for (const dryRun of ['false', 'true']) {
      const run = await runMigrate(lab, { 'allow-non-empty-target': 'true', 'dry-run': dryRun });
      expect(run.exitCode).toBe(1);
      expect(errorsOf(run)[0]).toMatch(
        /^Phase 2 refused for dev: the application was pointed at v2 by cutover-started .*, and no rollback followed\. .*Roll back first .*Nothing was changed\.$/,
      );
    }
    expect(mutatingCalls(lab, from)).toEqual([]);
    expect(await tableDigests(lab.databases.v2)).toEqual(before.digests);
    expect(await ledgerTypes(lab)).toEqual(before.ledger);
  });

  it('copies again once the cutover was rolled back', async () => {
    const rollback = await runRollback(lab);
    expect(errorsOf(rollback)).toEqual([]);
    const run = await runMigrate(lab, { 'allow-non-empty-target': 'true', 'dry-run': 'true' });
    expect(errorsOf(run)).toEqual([]);
  });
});
