import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { SSMClient } from '@aws-sdk/client-ssm';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLab, type Lab } from '../lab.js';
import type { PostgresServer } from '../postgres/index.js';
import { sandboxClient } from '../test-support.js';
import { pointParametersAtV2, refresh } from './fleet.fixture.js';
import { CONNECTIONS_PER_INSTANCE } from './index.js';

/*
 * The application fleet against real PostgreSQL servers (the lab's v1 and v2): what it connects to,
 * what it measures and logs, and how an instance refresh moves it from one database to the other.
 * Everything is observed the way the toolkit or a DBA would: pg_stat_activity, GetMetricData, the
 * Auto Scaling API and the log group.
 */

let lab: Lab;
let primaryAsg: AutoScalingClient;
let drAsg: AutoScalingClient;
let ssm: SSMClient;
let cloudwatch: CloudWatchClient;

/** Both groups, two instances each. */
const FLEET_CONNECTIONS = 2 * 2 * CONNECTIONS_PER_INSTANCE;

beforeAll(async () => {
  lab = await startLab();
  const { sandbox, config } = lab;
  primaryAsg = sandboxClient(AutoScalingClient, sandbox, config.regions.primary);
  drAsg = sandboxClient(AutoScalingClient, sandbox, config.regions.dr);
  ssm = sandboxClient(SSMClient, sandbox, config.regions.primary);
  cloudwatch = sandboxClient(CloudWatchClient, sandbox, config.regions.primary);
});

afterAll(async () => {
  for (const client of [primaryAsg, drAsg, ssm, cloudwatch]) client?.destroy();
  await lab?.stop();
});

/** The fleet's sessions the server lists (as the superuser, who sees every session's application_name). */
async function fleetSessions(server: PostgresServer): Promise<string[]> {
  return server.admin(async (client) => {
    const { rows } = await client.query<{ name: string }>(
      "SELECT application_name AS name FROM pg_stat_activity WHERE application_name LIKE 'fleet %' ORDER BY 1",
    );
    return rows.map((r) => r.name);
  });
}

/** A backend leaves pg_stat_activity a moment after its client closed: poll until the count is `n`. */
async function untilSessions(server: PostgresServer, n: number): Promise<string[]> {
  let sessions: string[] = [];
  for (let i = 0; i < 100; i++) {
    sessions = await fleetSessions(server);
    if (sessions.length === n) return sessions;
    await sleep(50);
  }
  throw new Error(`${server.name} lists ${sessions.length} fleet sessions, not ${n}`);
}

/** The newest one-second samples of a metric, newest first. */
async function latestSamples(
  client: CloudWatchClient,
  namespace: string,
  metricName: string,
  dimension: { Name: string; Value: string },
  stat = 'Maximum',
): Promise<number[]> {
  const now = new Date();
  const out = await client.send(
    new GetMetricDataCommand({
      StartTime: new Date(now.getTime() - 10 * 60_000),
      EndTime: new Date(now.getTime() + 1000),
      ScanBy: 'TimestampDescending',
      MetricDataQueries: [
        {
          Id: 'm',
          MetricStat: {
            Metric: { Namespace: namespace, MetricName: metricName, Dimensions: [dimension] },
            Period: 1,
            Stat: stat,
          },
        },
      ],
    }),
  );
  return out.MetricDataResults![0]!.Values ?? [];
}

function connectionsOf(cluster: string): Promise<number[]> {
  return latestSamples(cloudwatch, 'AWS/RDS', 'DatabaseConnections', {
    Name: 'DBClusterIdentifier',
    Value: cluster,
  });
}

async function untilLatest(read: () => Promise<number[]>, value: number): Promise<number[]> {
  let values: number[] = [];
  for (let i = 0; i < 100; i++) {
    values = await read();
    if (values[0] === value) return values;
    await sleep(100);
  }
  throw new Error(`the newest sample is ${values[0]}, not ${value}`);
}

function logMessages(region: string): string[] {
  const events = lab.sandbox.world.region(region).logGroups.get(`/aws/application/${lab.config.environment}`);
  return (events ?? []).map((e) => e.message);
}

describe('the guide world', () => {
  beforeAll(async () => {
    await lab.load('guide-world');
  });

  test('every instance holds its connections to v1, as pg_stat_activity and fleet.connections() both say', async () => {
    const { sandbox, config, databases } = lab;
    const sessions = await untilSessions(databases.v1, FLEET_CONNECTIONS);
    expect(await fleetSessions(databases.v2)).toEqual([]);
    const groups = [config.autoScalingGroups.primary, config.autoScalingGroups.dr];
    for (const group of groups) {
      expect(sessions.filter((s) => s.startsWith(`fleet ${group} i-`))).toHaveLength(
        2 * CONNECTIONS_PER_INSTANCE,
      );
    }
    // Both groups read the primary Region's parameters, which name v1's writer.
    expect(Object.fromEntries(sandbox.fleet.connections())).toEqual({
      [config.v1.primaryCluster]: FLEET_CONNECTIONS,
    });

    const described = await primaryAsg.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [config.autoScalingGroups.primary] }),
    );
    expect(
      described.AutoScalingGroups![0]!.Instances!.map((i) => [i.LifecycleState, i.HealthStatus]),
    ).toEqual([
      ['InService', 'Healthy'],
      ['InService', 'Healthy'],
    ]);
    // The application read its parameters from the world: the request log holds only this test's calls.
    expect(sandbox.calls('ssm')).toEqual([]);
    expect(sandbox.calls('secretsmanager')).toEqual([]);
  });

  test('DatabaseConnections reports the fleet on v1 and a real 0 on v2; the v1 table is read and written', async () => {
    const { config } = lab;
    expect((await connectionsOf(config.v1.primaryCluster))[0]).toBe(FLEET_CONNECTIONS);
    // Not missing: v2 has reported 0 since the fleet first sampled.
    expect((await connectionsOf(config.v2.primaryCluster))[0]).toBe(0);
    const reads = await latestSamples(
      cloudwatch,
      'AWS/DynamoDB',
      'ConsumedReadCapacityUnits',
      {
        Name: 'TableName',
        Value: config.v1.table,
      },
      'Maximum',
    );
    // The primary group's two instances, one unit each a tick. Maximum, not Sum: under load two ticks
    // can fall within one second, and their Sum is then 4.
    expect(reads[0]).toBe(2);
    const v2Writes = await latestSamples(
      cloudwatch,
      'AWS/DynamoDB',
      'ConsumedWriteCapacityUnits',
      {
        Name: 'TableName',
        Value: config.v2.table,
      },
      'Sum',
    );
    expect(v2Writes[0]).toBe(0);
    // The scripted series are still there.
    const lagClient = sandboxClient(CloudWatchClient, lab.sandbox, config.regions.dr);
    try {
      const lag = await latestSamples(lagClient, 'AWS/RDS', 'AuroraGlobalDBReplicationLag', {
        Name: 'DBClusterIdentifier',
        Value: config.v2.drCluster,
      });
      expect(lag.length).toBeGreaterThan(0);
    } finally {
      lagClient.destroy();
    }
  });

  test('each instance logs the requests it serves to the log group, one stream per instance', async () => {
    const { sandbox, config } = lab;
    await sleep(1500);
    const events = sandbox.world
      .region(config.regions.dr)
      .logGroups.get(`/aws/application/${config.environment}`)!;
    const instances = sandbox.world
      .region(config.regions.dr)
      .autoScalingGroups.get(config.autoScalingGroups.dr)!.instances;
    expect(new Set(events.map((e) => e.logStreamName))).toEqual(new Set(instances.map((i) => i.instanceId)));
    expect(events.map((e) => e.message)).toContain(
      `INFO request served (database ${config.v1.primaryCluster}, table ${config.v1.table})`,
    );
    expect(events.filter((e) => e.message.startsWith('ERROR'))).toEqual([]);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
  });

  test('a refresh after the cutover of the parameters moves the connections from v1 to v2', async () => {
    const { config, databases } = lab;
    await pointParametersAtV2(lab, ssm);
    const [primary, dr] = await Promise.all([
      refresh(primaryAsg, config.autoScalingGroups.primary),
      refresh(drAsg, config.autoScalingGroups.dr),
    ]);
    expect(primary).toMatchObject({ Status: 'Successful', PercentageComplete: 100 });
    expect(dr).toMatchObject({ Status: 'Successful', PercentageComplete: 100 });

    await untilSessions(databases.v1, 0);
    await untilSessions(databases.v2, FLEET_CONNECTIONS);
    expect(Object.fromEntries(lab.sandbox.fleet.connections())).toEqual({
      [config.v2.primaryCluster]: FLEET_CONNECTIONS,
    });
    // v1 drains to a reported 0 (not a missing metric), and v2 reports the fleet.
    const v1 = await untilLatest(() => connectionsOf(config.v1.primaryCluster), 0);
    expect(v1).toContain(FLEET_CONNECTIONS);
    await untilLatest(() => connectionsOf(config.v2.primaryCluster), FLEET_CONNECTIONS);
    await untilLatest(
      () =>
        latestSamples(
          cloudwatch,
          'AWS/DynamoDB',
          'ConsumedReadCapacityUnits',
          { Name: 'TableName', Value: config.v2.table },
          'Maximum',
        ),
      2,
    );
  });
});

describe('broken worlds', () => {
  test('refresh-fails: the DR refresh ends Failed halfway, half the group replaced', async () => {
    await lab.load('refresh-fails');
    const { sandbox, config } = lab;
    const group = sandbox.world.region(config.regions.dr).autoScalingGroups.get(config.autoScalingGroups.dr)!;
    const before = group.instances.map((i) => i.instanceId);
    const outcome = await refresh(drAsg, config.autoScalingGroups.dr);
    expect(outcome).toMatchObject({
      Status: 'Failed',
      PercentageComplete: 50,
      StatusReason: expect.stringMatching(/^Instance i-[0-9a-f]{17} failed to pass health checks/),
    });
    expect(outcome.EndTime).toBeInstanceOf(Date);
    const after = group.instances.map((i) => i.instanceId);
    expect(after).toHaveLength(2);
    expect(after.filter((id) => before.includes(id))).toHaveLength(1);
    // The primary group's refreshes are not affected.
    expect(await refresh(primaryAsg, config.autoScalingGroups.primary)).toMatchObject({
      Status: 'Successful',
    });
  });

  test('v2-unhealthy: an application pointed at v2 logs database errors naming the cluster', async () => {
    await lab.load('v2-unhealthy');
    const { config } = lab;
    expect(logMessages(config.regions.primary).filter((m) => m.startsWith('ERROR'))).toEqual([]);
    await pointParametersAtV2(lab, ssm);
    await refresh(primaryAsg, config.autoScalingGroups.primary);
    await sleep(1500);
    const errors = logMessages(config.regions.primary).filter((m) => m.startsWith('ERROR database'));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toContain(config.v2.primaryCluster);
  });

  test('wrong-password: the instances cannot connect, log why without the password, and report Unhealthy', async () => {
    await lab.load('wrong-password');
    const { sandbox, config, databases } = lab;
    await pointParametersAtV2(lab, ssm);
    await refresh(primaryAsg, config.autoScalingGroups.primary);
    await sleep(1500);
    const errors = logMessages(config.regions.primary).filter((m) =>
      m.startsWith('ERROR database connection failed'),
    );
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatch(/password authentication failed/);
    expect(errors[0]).toContain(config.v2.primaryCluster);
    for (const message of logMessages(config.regions.primary))
      expect(message).not.toContain(databases.v2.password);
    expect(await fleetSessions(databases.v2)).toEqual([]);
    const group = sandbox.world
      .region(config.regions.primary)
      .autoScalingGroups.get(config.autoScalingGroups.primary)!;
    expect(group.instances.map((i) => i.healthStatus)).toEqual(['Unhealthy', 'Unhealthy']);
    // The DR group was not refreshed: it still serves from v1.
    expect(await fleetSessions(databases.v1)).toHaveLength(2 * CONNECTIONS_PER_INSTANCE);
  });

  test('loading a scenario closes the previous fleet before the world is rebuilt', async () => {
    await lab.load('guide-world');
    await untilSessions(lab.databases.v2, 0);
    await untilSessions(lab.databases.v1, FLEET_CONNECTIONS);
  });
});
