import { startLab, type Lab } from '@dbmig/sandbox';
import {
  appParameters,
  everythingPrinted,
  fleetConnections,
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

describe('a clean cutover', () => {
  it('moves the traffic to v2, bakes, records the ledger, and a re-run changes nothing', async () => {
    await migratedAndVerified(lab);
    const { regions, parameters, v2 } = lab.config;
    expect(await fleetConnections(lab.databases.v1)).toBeGreaterThan(0);
    expect(await fleetConnections(lab.databases.v2)).toBe(0);
    const v1Endpoint = parameter(lab, regions.primary, parameters.endpoint)!.value;

    const run = await runCutover(lab);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.outputs['cut-over']).toBe('true');
    expect(run.outputs['bake']).toBe('passed');

    expect(parameter(lab, regions.primary, parameters.endpoint)).toEqual({
      type: 'SecureString',
      value: `${lab.databases.v2.host}:${lab.databases.v2.port}`,
    });
    expect(parameter(lab, regions.primary, parameters.passwordSecret)).toEqual({
      type: 'String',
      value: v2.secret,
    });
    expect(parameter(lab, regions.primary, parameters.dynamodbTable)).toEqual({
      type: 'String',
      value: v2.table,
    });
    expect(await fleetConnections(lab.databases.v2)).toBeGreaterThan(0);
    expect(await fleetConnections(lab.databases.v1)).toBe(0);

    const types = await ledgerTypes(lab);
    expect(types.slice(-5)).toEqual([
      'cutover-started',
      'parameters-written',
      'refresh-started',
      'cutover-completed',
      'bake-verdict',
    ]);
    const recorded = JSON.parse(run.outputs['ledger']!) as { type: string; data: { verdict: string } };
    expect(recorded.type).toBe('bake-verdict');
    expect(recorded.data.verdict).toBe('passed');
    // Neither endpoint value (a SecureString's) is ever printed, output or summarised.
    const printed = everythingPrinted(run);
    expect(printed).not.toContain(v1Endpoint);
    expect(printed).not.toContain(`${lab.databases.v2.host}:${lab.databases.v2.port}`);

    const before = appParameters(lab);
    const from = lab.sandbox.requests.length;
    const again = await runCutover(lab);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('already cut over');
    expect(again.outputs['cut-over']).toBe('true');
    expect(mutatingCalls(lab, from)).toEqual([]);
    expect(appParameters(lab)).toEqual(before);
  });

  it("records who approved the run's environment gate, from GitHub's review history of the run", async () => {
    await migratedAndVerified(lab);
    lab.github.setApprovals('example-org/payments-platform', 4242, [
      { state: 'approved', login: 'dba-on-call', environments: ['dev-cutover'], comment: 'go' },
    ]);
    const run = await runCutover(lab, {}, { env: { ...lab.github.env(), GITHUB_RUN_ID: '4242' } });
    expect(run.exitCode).toBe(0);
    const recorded = JSON.parse(run.outputs['ledger']!) as { approvers: unknown };
    expect(recorded.approvers).toEqual({
      known: true,
      reviews: [{ login: 'dba-on-call', state: 'approved', environments: ['dev-cutover'], comment: 'go' }],
    });
    expect(lab.github.requests).toContainEqual(
      expect.objectContaining({
        path: '/repos/example-org/payments-platform/actions/runs/4242/approvals',
        status: 200,
      }),
    );
    expect(everythingPrinted(run)).toContain('approved by dba-on-call');
  });
});
