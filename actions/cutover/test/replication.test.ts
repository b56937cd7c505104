import { startLab, type Lab } from '@dbmig/sandbox';
import { dropSlotAndPublication, dropSubscription, replicationNames } from '@dbmig/shared';
import { runMigrate } from '../../migrate-data/test/run-migrate.js';
import { runVerify } from '../../verify-v2/test/run-verify.js';
import { appParameters, errorsOf, FAST, ledgerTypes, runCutover } from './phase3.js';

// A cutover while migrate-data's logical replication still carries v1's writes to v2 is refused, with
// nothing changed: both sides would take writes and hand out the same ids.

let lab: Lab;
const names = replicationNames('dev');

beforeAll(async () => {
  lab = await startLab({ scenario: 'payments-world-replication' });
});
afterAll(async () => {
  await lab?.stop();
});

describe('cutover beside logical replication', () => {
  it('refuses while the slot and subscription exist, naming them and how to stop them', async () => {
    const migrate = await runMigrate(lab, {
      steps: 'postgres,dynamodb',
      replication: 'logical',
      'allow-replica-identity-full': 'true',
    });
    expect(errorsOf(migrate)).toEqual([]);
    const verify = await runVerify(lab, { check: 'all' });
    expect(errorsOf(verify)).toEqual([]);
    const before = appParameters(lab);

    const refused = await runCutover(lab, FAST);
    expect(refused.exitCode).toBe(1);
    const [error] = errorsOf(refused);
    expect(error).toMatch(/^Cutover of dev refused: logical replication from v1 to v2 is running \(/);
    expect(error).toContain(`subscription ${names.subscription} on v2, slot ${names.slot} on v1`);
    expect(error).toContain(`DROP SUBSCRIPTION ${names.subscription};`);
    expect(error).toMatch(/Nothing was changed\.$/);
    expect(appParameters(lab)).toEqual(before);
    expect(await ledgerTypes(lab)).not.toContain('cutover-started');
  });

  it('goes ahead once the replication was stopped by hand', async () => {
    await lab.databases.v2.admin((c) => dropSubscription(c, names));
    await lab.databases.v1.admin((c) => dropSlotAndPublication(c, names));
    const run = await runCutover(lab, { ...FAST, 'dry-run': 'true' });
    expect(errorsOf(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
  });
});
