import { startLab, type Lab } from '@dbmig/sandbox';
import {
  appParameters,
  errorsOf,
  everythingPrinted,
  fleetConnections,
  ledgerTypes,
  migratedAndVerified,
  mutatingCalls,
  parameter,
  runCutover,
  runRollback,
} from '../../cutover/test/phase3.js';

let lab: Lab;

beforeAll(async () => {
  lab = await startLab();
});

afterAll(async () => {
  await lab?.stop();
});

afterEach(() => lab.sandbox.faults.clear());

interface WritesAtRisk {
  afterTraffic: { rows: number; tables: { table: string; written: number }[] };
}

describe('rollback after a cutover', () => {
  it('restores what the ledger recorded, proves traffic on v1, reports the writes at risk, and a re-run changes nothing', async () => {
    await migratedAndVerified(lab);
    const before = appParameters(lab);
    expect((await runCutover(lab)).exitCode).toBe(0);
    // The application writes on v2 after the cutover: rows a rollback leaves behind.
    await lab.databases.v2.session((client) =>
      client.query(
        "INSERT INTO payments (account_id, amount_cents, status) SELECT 'acct-new', g, 'settled' FROM generate_series(1, 7) g",
      ),
    );

    const dry = await runRollback(lab, { 'dry-run': 'true' });
    expect(dry.exitCode).toBe(0);
    expect(dry.outputs['rolled-back']).toBe('false');
    expect(parameter(lab, lab.config.regions.primary, lab.config.parameters.dynamodbTable)?.value).toBe(
      lab.config.v2.table,
    );

    const run = await runRollback(lab);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.outputs['rolled-back']).toBe('true');
    expect(appParameters(lab)).toEqual(before);
    expect(await fleetConnections(lab.databases.v1)).toBeGreaterThan(0);
    expect(await fleetConnections(lab.databases.v2)).toBe(0);
    const risk = JSON.parse(run.outputs['writes-at-risk']!) as WritesAtRisk;
    expect(risk.afterTraffic.rows).toBe(7);
    expect(risk.afterTraffic.tables).toEqual([
      expect.objectContaining({ table: 'public.payments', written: 7 }),
    ]);
    expect(run.stdout).toMatch(/Every parameter restored \d+ ms after the rollback started/);
    expect(run.stdout).toMatch(/Traffic back on v1 \d+ ms after the rollback started/);
    expect((await ledgerTypes(lab)).slice(-3)).toEqual([
      'rollback-started',
      'parameters-restored',
      'rolled-back',
    ]);
    expect(everythingPrinted(run)).not.toContain(`${lab.databases.v1.host}:${lab.databases.v1.port}`);

    const from = lab.sandbox.requests.length;
    const again = await runRollback(lab);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('already rolled back');
    expect(mutatingCalls(lab, from)).toEqual([]);
  });

  it('undoes a cutover killed after its first parameter write, in every Region', async () => {
    await migratedAndVerified(lab);
    const { regions, parameters } = lab.config;
    const before = appParameters(lab);
    // The DR Region's writes are held back, so that the kill lands between the two Regions' writes.
    lab.sandbox.faults.set([{ operation: 'ssm:PutParameter', region: regions.dr, latencyMs: 2_000 }]);
    const written = () =>
      parameter(lab, regions.primary, parameters.dynamodbTable)?.value === lab.config.v2.table;
    const run = await runCutover(
      lab,
      { 'parameter-regions': `${regions.primary},${regions.dr}` },
      {
        onSpawn: (child) => {
          const timer = setInterval(() => {
            if (written()) {
              clearInterval(timer);
              child.kill('SIGKILL');
            }
          }, 5);
          child.once('exit', () => clearInterval(timer));
        },
      },
    );
    expect(run.signal).toBe('SIGKILL');
    expect(parameter(lab, regions.dr, parameters.dynamodbTable)).toBeUndefined();
    expect(await ledgerTypes(lab)).toContain('cutover-started');
    lab.sandbox.faults.clear();
    // The writes that were in flight when the runner died still land, as they would in AWS.
    await new Promise((resolve) => setTimeout(resolve, 2_500));

    const rollback = await runRollback(lab);
    expect(rollback.exitCode).toBe(0);
    expect(appParameters(lab)).toEqual(before);
    expect(await fleetConnections(lab.databases.v2)).toBe(0);
    expect(await fleetConnections(lab.databases.v1)).toBeGreaterThan(0);
  });
});

describe('rollback of a cutover that died while refreshing', () => {
  it('cancels the refresh still running, then restores and refreshes both groups', async () => {
    await migratedAndVerified(lab);
    const before = appParameters(lab);
    const { world } = lab.sandbox;
    // Slow batches, so that the cutover dies with its refreshes under way.
    world.refreshTimings.batchMs = 3_000;
    const refreshing = () =>
      [lab.config.regions.primary, lab.config.regions.dr].some((region) =>
        [...world.region(region).autoScalingGroups.values()].some(
          (g) => g.refreshes[0]?.status === 'InProgress',
        ),
      );
    const run = await runCutover(
      lab,
      {},
      {
        onSpawn: (child) => {
          const timer = setInterval(() => {
            if (refreshing()) {
              clearInterval(timer);
              child.kill('SIGKILL');
            }
          }, 5);
          child.once('exit', () => clearInterval(timer));
        },
      },
    );
    expect(run.signal).toBe('SIGKILL');
    expect(refreshing()).toBe(true);
    world.refreshTimings.batchMs = 400;

    const rollback = await runRollback(lab);
    expect(rollback.exitCode).toBe(0);
    expect(rollback.stdout).toMatch(/Cancelled the instance refresh \S+ of (primary|dr)-asg-dev/);
    expect(appParameters(lab)).toEqual(before);
    expect(await fleetConnections(lab.databases.v2)).toBe(0);
    expect(await fleetConnections(lab.databases.v1)).toBeGreaterThan(0);
  });
});

describe('rollback with no cutover in the ledger', () => {
  it('refuses without the explicit v1 values, naming the inputs, and changes nothing', async () => {
    await lab.load('guide-world');
    const from = lab.sandbox.requests.length;
    const run = await runRollback(lab);
    expect(run.exitCode).toBe(1);
    expect(errorsOf(run).join('\n')).toContain("Input 'v1-endpoint': the ledger of dev records no cutover");
    expect(mutatingCalls(lab, from)).toEqual([]);
  });

  it("restores the explicit v1 values with the guide's types", async () => {
    await migratedAndVerified(lab);
    const { regions, parameters, v1, v2 } = lab.config;
    const before = appParameters(lab);
    const v1Endpoint = parameter(lab, regions.primary, parameters.endpoint)!.value;
    // A cutover made by hand, outside the toolkit: the ledger knows nothing of it.
    const primary = lab.sandbox.world.region(regions.primary).parameters;
    primary.get(parameters.endpoint)!.value = `${lab.databases.v2.host}:${lab.databases.v2.port}`;
    primary.get(parameters.passwordSecret)!.value = v2.secret;
    primary.get(parameters.dynamodbTable)!.value = v2.table;

    const run = await runRollback(lab, {
      'v1-endpoint': v1Endpoint,
      'v1-secret-name': v1.secret,
      'v1-table-name': v1.table,
    });
    expect(run.exitCode).toBe(0);
    expect(appParameters(lab)).toEqual(before);
    expect(everythingPrinted(run)).not.toContain(v1Endpoint);
    expect((await ledgerTypes(lab)).at(-1)).toBe('rolled-back');
  });
});
