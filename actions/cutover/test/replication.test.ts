import { startLab, type Lab } from '@dbmig/sandbox';
import { dropSlotAndPublication, dropSubscription, replicationNames } from '@dbmig/shared';
import { runMigrate } from '../../migrate-data/test/run-migrate.js';
import { runVerify } from '../../verify-v2/test/run-verify.js';
import { appParameters, errorsOf, FAST, ledgerTypes, runCutover } from './phase3.js';

// A cutover with write-strategy none while migrate-data's logical replication (or the table's stream)
// still carries v1's writes to v2 is refused, with nothing changed: both sides would take writes and
// hand out the same ids. And overlap or pause without a replication running is refused too: they would
// carry nothing.

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

    const refused = await runCutover(lab, { ...FAST, 'write-strategy': 'none' });
    expect(refused.exitCode).toBe(1);
    const [error] = errorsOf(refused);
    expect(error).toMatch(/^Cutover of dev refused: logical replication from v1 to v2 is running \(/);
    expect(error).toContain(`subscription ${names.subscription} on v2, slot ${names.slot} on v1`);
    expect(error).toContain(`DROP SUBSCRIPTION ${names.subscription};`);
    expect(error).toContain('Cut over with write-strategy overlap or pause');
    expect(error).toMatch(/Nothing was changed\.$/);
    expect(appParameters(lab)).toEqual(before);
    expect(await ledgerTypes(lab)).not.toContain('cutover-started');
  });

  it("once the replication was stopped by hand, only the table's stream is left: overlap drains it, none and pause refuse", async () => {
    await lab.databases.v2.admin((c) => dropSubscription(c, names));
    await lab.databases.v1.admin((c) => dropSlotAndPublication(c, names));
    const overlap = await runCutover(lab, { ...FAST, 'dry-run': 'true', 'write-strategy': 'overlap' });
    expect(errorsOf(overlap)).toEqual([]);
    expect(overlap.stdout).toContain(
      "write-strategy overlap: the switch, then the table's stream drained once no instance writes v1",
    );
    const none = await runCutover(lab, { ...FAST, 'dry-run': 'true', 'write-strategy': 'none' });
    expect(errorsOf(none)[0]).toMatch(
      /^Cutover of dev refused: the table's stream is carried to v2 \(table-replication-started .*, and write-strategy is none\./,
    );
    const pause = await runCutover(lab, { ...FAST, 'dry-run': 'true', 'write-strategy': 'pause' });
    expect(errorsOf(pause)).toEqual([
      "Cutover of dev refused: write-strategy pause makes v1's PostgreSQL refuse the application's writes, and no PostgreSQL replication runs; the table's writes cannot be refused that way. Cut over with write-strategy overlap. Nothing was changed.",
    ]);
  });

  it('without any replication, overlap and pause refuse: they would carry nothing', async () => {
    await lab.load('payments-world-replication');
    const migrate = await runMigrate(lab, { steps: 'postgres,dynamodb' });
    expect(errorsOf(migrate)).toEqual([]);
    expect(errorsOf(await runVerify(lab, { check: 'all' }))).toEqual([]);
    const run = await runCutover(lab, { ...FAST, 'dry-run': 'true' });
    expect(errorsOf(run)).toEqual([]);
    for (const strategy of ['overlap', 'pause']) {
      const refused = await runCutover(lab, { ...FAST, 'dry-run': 'true', 'write-strategy': strategy });
      expect(errorsOf(refused)).toEqual([
        `Cutover of dev refused: write-strategy ${strategy} carries the writes made during the cutover through replication, and no replication from v1 to v2 runs: start it with migrate-data (replication: logical), or cut over with write-strategy none. Nothing was changed.`,
      ]);
    }
  });
});
