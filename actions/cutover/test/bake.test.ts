import { startLab, type Lab } from '@dbmig/sandbox';
import {
  appParameters,
  errorsOf,
  everythingPrinted,
  fleetConnections,
  ledgerTypes,
  migratedAndVerified,
  runCutover,
  runRollback,
} from './phase3.js';

let lab: Lab;

beforeAll(async () => {
  lab = await startLab();
});

afterAll(async () => {
  await lab?.stop();
});

describe('a bake that fails', () => {
  it('rolls back by itself with auto-rollback: every parameter in every Region as it was, traffic on v1', async () => {
    await migratedAndVerified(lab, 'v2-unhealthy');
    const { regions } = lab.config;
    const before = appParameters(lab);
    // The DR Region holds no parameters before: the cutover creates them there, the rollback deletes them.
    expect(Object.entries(before).filter(([key, p]) => key.startsWith(regions.dr) && p)).toEqual([]);

    const run = await runCutover(lab, {
      'auto-rollback': 'true',
      'parameter-regions': `${regions.primary},${regions.dr}`,
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs['bake']).toBe('failed');
    expect(run.outputs['cut-over']).toBe('false');
    expect(errorsOf(run).join('\n')).toMatch(/bake failed.*error-logs fail.*rolled back/s);
    expect(appParameters(lab)).toEqual(before);
    expect(await fleetConnections(lab.databases.v1)).toBeGreaterThan(0);
    expect(await fleetConnections(lab.databases.v2)).toBe(0);
    expect((await ledgerTypes(lab)).slice(-4)).toEqual([
      'bake-verdict',
      'rollback-started',
      'parameters-restored',
      'rolled-back',
    ]);
    expect(run.summary).toContain('Bake: failed');
    expect(run.summary).toContain('Parameters restored');
    expect(everythingPrinted(run)).not.toContain(`${lab.databases.v1.host}:${lab.databases.v1.port}`);
  });

  it('stops without auto-rollback and names the rollback to run; the parameters stay on v2', async () => {
    await migratedAndVerified(lab, 'v2-unhealthy');
    const run = await runCutover(lab);
    expect(run.exitCode).toBe(1);
    expect(run.outputs['bake']).toBe('failed');
    expect(errorsOf(run).join('\n')).toContain('gh workflow run rollback.yml -f environment=dev');
    expect(
      lab.sandbox.world.region(lab.config.regions.primary).parameters.get(lab.config.parameters.dynamodbTable)
        ?.value,
    ).toBe(lab.config.v2.table);
    expect((await ledgerTypes(lab)).at(-1)).toBe('cutover-failed');
  });
});

describe('a bake without figures', () => {
  it('is inconclusive, never passed, when CloudWatch has no datapoint of v2 connections', async () => {
    await migratedAndVerified(lab);
    const { regions, v2 } = lab.config;
    // CloudWatch stops reporting v2's connections: an empty series shadows the fleet's own.
    lab.sandbox.world.region(regions.primary).metrics.unshift({
      region: regions.primary,
      namespace: 'AWS/RDS',
      metricName: 'DatabaseConnections',
      dimensions: { DBClusterIdentifier: v2.primaryCluster },
      points: () => [],
    });
    const run = await runCutover(lab);
    expect(run.exitCode).toBe(1);
    expect(run.outputs['bake']).toBe('inconclusive');
    expect(run.outputs['cut-over']).toBe('true');
    expect(errorsOf(run).join('\n')).toMatch(/inconclusive.*v2-connections-rising inconclusive/s);
  });

  it('is inconclusive when the log group does not exist', async () => {
    await migratedAndVerified(lab);
    const run = await runCutover(lab, { 'log-group': '/aws/application/nobody-logs-here' });
    expect(run.outputs['bake']).toBe('inconclusive');
    expect(run.exitCode).toBe(1);
  });
});

describe('a refresh that fails', () => {
  it('fails the cutover naming the group, records it, and the rollback then restores everything', async () => {
    await migratedAndVerified(lab, 'refresh-fails');
    const { regions, autoScalingGroups } = lab.config;
    const before = appParameters(lab);
    const run = await runCutover(lab);
    expect(run.exitCode).toBe(1);
    expect(run.outputs['bake']).toBe('');
    expect(errorsOf(run).join('\n')).toMatch(
      /failed after the parameters changed: .*dr-asg-dev \(us-east-2\).*Failed/s,
    );
    expect((await ledgerTypes(lab)).at(-1)).toBe('cutover-failed');

    // The group is mended; the person on call runs the rollback the message named.
    lab.sandbox.world.region(regions.dr).autoScalingGroups.get(autoScalingGroups.dr)!.failsRefresh = false;
    const rollback = await runRollback(lab);
    expect(rollback.exitCode).toBe(0);
    expect(appParameters(lab)).toEqual(before);
    expect(await fleetConnections(lab.databases.v2)).toBe(0);
  });
});
