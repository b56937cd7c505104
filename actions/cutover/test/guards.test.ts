import { AutoScalingClient, StartInstanceRefreshCommand } from '@aws-sdk/client-auto-scaling';
import { sandboxClient, startLab, type Lab } from '@dbmig/sandbox';
import { runMigrate } from '../../migrate-data/test/run-migrate.js';
import { runVerify } from '../../verify-v2/test/run-verify.js';
import {
  appParameters,
  errorsOf,
  ledgerTypes,
  migratedAndVerified,
  mutatingCalls,
  parameter,
  runCutover,
} from './phase3.js';

let lab: Lab;

beforeAll(async () => {
  lab = await startLab();
});

afterAll(async () => {
  await lab?.stop();
});

/** Runs the cutover and proves that it refused, changing nothing: no AWS write, no parameter, no event. */
async function refusedWithNoChange(inputs: Record<string, string> = {}): Promise<string> {
  const parameters = appParameters(lab);
  const events = await ledgerTypes(lab);
  const from = lab.sandbox.requests.length;
  const run = await runCutover(lab, inputs);
  expect(run.exitCode).toBe(1);
  expect(run.outputs['cut-over']).toBeUndefined();
  expect(mutatingCalls(lab, from)).toEqual([]);
  expect(appParameters(lab)).toEqual(parameters);
  expect(await ledgerTypes(lab)).toEqual(events);
  return errorsOf(run).join('\n');
}

describe('cutover refuses, changing nothing', () => {
  it('without a recorded parity', async () => {
    await lab.load('guide-world');
    expect((await runMigrate(lab, { steps: 'postgres,dynamodb' })).exitCode).toBe(0);
    expect((await runVerify(lab, { check: 'health' })).exitCode).toBe(0);
    expect(await refusedWithNoChange()).toMatch(
      /refused: no v1\/v2 parity is recorded for dev.*Nothing was changed/,
    );
  });

  it('with a parity older than the freshness window', async () => {
    await migratedAndVerified(lab);
    // The verdicts were recorded 30 hours ago, as AWS keeps the time: the parameters' LastModifiedDate.
    for (const p of lab.sandbox.world.region(lab.config.regions.primary).parameters.values()) {
      if (p.name.startsWith('/db-migration/dev/ledger/'))
        p.lastModifiedDate = new Date(Date.now() - 30 * 3_600_000);
    }
    expect(await refusedWithNoChange()).toMatch(/older than 24 h \(verification-max-age-hours\)/);
  });

  it("with a parity fresh by the runner's clock but older than the window by AWS's", async () => {
    await migratedAndVerified(lab);
    // AWS's clock (the sandbox's, sent in every Date header) is 30 hours ahead of the runner's.
    const realNow = lab.sandbox.now;
    lab.sandbox.now = () => new Date(Date.now() + 30 * 3_600_000);
    try {
      expect(await refusedWithNoChange()).toMatch(/older than 24 h \(verification-max-age-hours\)/);
    } finally {
      lab.sandbox.now = realNow;
    }
  });

  it('while an instance refresh is running on either group', async () => {
    await migratedAndVerified(lab);
    const { autoScalingGroups, regions } = lab.config;
    const asg = sandboxClient(AutoScalingClient, lab.sandbox, regions.dr);
    try {
      await asg.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: autoScalingGroups.dr }));
    } finally {
      asg.destroy();
    }
    expect(await refusedWithNoChange()).toMatch(/refresh of dr-asg-dev in us-east-2 is already/);
  });

  it('when a fleet would keep reading a Region the cutover does not write', async () => {
    await migratedAndVerified(lab);
    const { regions, parameters } = lab.config;
    // The DR Region keeps its own copy of the table parameter, which the DR fleet then reads.
    const dr = lab.sandbox.world.region(regions.dr).parameters;
    dr.set(parameters.dynamodbTable, {
      ...lab.sandbox.world.region(regions.primary).parameters.get(parameters.dynamodbTable)!,
      region: regions.dr,
    });
    expect(await refusedWithNoChange()).toMatch(
      /dr-asg-dev in us-east-2 reads \/app\/dev\/dynamodb\/table from us-east-2.*add us-east-2 to parameter-regions/,
    );
  });

  it('on a bad input, naming it and the expected form', async () => {
    await lab.load('guide-world');
    expect(await refusedWithNoChange({ 'parameter-regions': 'us-east-1,mars-1' })).toContain(
      "Input 'parameter-regions': 'mars-1' is not an AWS Region",
    );
    expect(await refusedWithNoChange({ 'bake-minutes': 'soon' })).toContain(
      "Input 'bake-minutes': must be a number",
    );
  });
});

describe('two cutovers racing for one environment', () => {
  it('one wins, the other refuses, and the parameters are written once', async () => {
    await migratedAndVerified(lab);
    const { regions, parameters } = lab.config;
    const [a, b] = await Promise.all([runCutover(lab), runCutover(lab)]);
    const codes = [a.exitCode, b.exitCode].sort();
    expect(codes).toEqual([0, 1]);
    const loser = a.exitCode === 1 ? a : b;
    // Refused by the ledger's append when both got that far, or, when the loser came later, by the
    // winner's traces: its cutover recorded, or its refreshes already running.
    expect(errorsOf(loser).join('\n')).toMatch(
      /Cutover of dev refused: .*(began|already cut over)|instance refresh of (primary|dr)-asg-dev in us-east-\d is already/,
    );
    for (const name of Object.values(parameters)) {
      expect(lab.sandbox.world.region(regions.primary).parameters.get(name)?.version).toBe(2);
    }
    expect(parameter(lab, regions.primary, parameters.dynamodbTable)?.value).toBe(lab.config.v2.table);
    expect((await ledgerTypes(lab)).filter((t) => t === 'cutover-started')).toHaveLength(1);
  });
});
