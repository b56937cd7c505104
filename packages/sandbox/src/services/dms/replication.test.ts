import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DeleteReplicationTaskCommand,
  DescribeReplicationTasksCommand,
  StartReplicationTaskCommand,
  StopReplicationTaskCommand,
  TestConnectionCommand,
  waitUntilReplicationTaskDeleted,
  waitUntilReplicationTaskReady,
  waitUntilReplicationTaskRunning,
  waitUntilReplicationTaskStopped,
  waitUntilTestConnectionSucceeds,
  type DatabaseMigrationServiceClient,
} from '@aws-sdk/client-database-migration-service';
import { startLab, type Lab } from '../../lab.js';
import { applyPaymentsSchema, PAYMENT_TABLES } from '../../scenarios/payments-data.js';
import { expectError, sandboxClient } from '../../test-support.js';
import {
  dmsClient,
  eventually,
  instanceArn,
  labEndpoints,
  replicationObjects,
  createTask,
  tableStatistics,
  WAIT,
} from './test-support.js';

let lab: Lab;
let client: DatabaseMigrationServiceClient;

beforeAll(async () => {
  lab = await startLab({ scenario: 'payments-world-replication' });
  // DMS creates no tables with DO_NOTHING: v2 gets the application's schema first, as its migrations would.
  await applyPaymentsSchema(lab.databases.v2);
  client = dmsClient(lab);
}, 180_000);

afterAll(async () => {
  client?.destroy();
  await lab?.stop();
});

async function counts(side: 'v1' | 'v2'): Promise<Record<string, number>> {
  return lab.databases[side].admin(async (c) => {
    const out: Record<string, number> = {};
    for (const table of PAYMENT_TABLES) {
      out[table] = Number(
        (await c.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`)).rows[0]!.n,
      );
    }
    return out;
  });
}

describe("a full-load-and-cdc task between the lab's servers", () => {
  test('loads every payments row into v2, validates it, streams later writes, reports latency, and cleans up', async () => {
    const endpoints = await labEndpoints(client, lab, 'move');
    const replicationInstanceArn = await instanceArn(client, lab);
    for (const endpointArn of [endpoints.source, endpoints.target]) {
      const { Connection } = await client.send(
        new TestConnectionCommand({
          ReplicationInstanceArn: replicationInstanceArn,
          EndpointArn: endpointArn,
        }),
      );
      expect(Connection!.Status).toBe('testing');
      await waitUntilTestConnectionSucceeds(
        { client, ...WAIT },
        { Filters: [{ Name: 'endpoint-arn', Values: [endpointArn] }] },
      );
    }

    const taskArn = await createTask(client, lab, 'payments-move', endpoints);
    const byArn = { Filters: [{ Name: 'replication-task-arn', Values: [taskArn] }] };
    await waitUntilReplicationTaskReady({ client, ...WAIT }, byArn);
    const started = await client.send(
      new StartReplicationTaskCommand({
        ReplicationTaskArn: taskArn,
        StartReplicationTaskType: 'start-replication',
      }),
    );
    expect(started.ReplicationTask!.Status).toBe('starting');
    await waitUntilReplicationTaskRunning({ client, ...WAIT }, byArn);

    // Full load: every table completed, row for row; validation by md5 where a primary key orders the rows.
    await eventually(
      async () => {
        const stats = await tableStatistics(client, taskArn);
        return (
          stats.length === PAYMENT_TABLES.length &&
          stats.every((s) => s.TableState === 'Table completed' && s.ValidationState !== 'Pending records')
        );
      },
      60_000,
      'the full load',
    );
    const source = await counts('v1');
    expect(await counts('v2')).toEqual(source);
    const stats = await tableStatistics(client, taskArn);
    for (const table of stats) {
      expect(table.FullLoadRows).toBe(source[table.TableName!]);
      expect(table.ValidationState).toBe(table.TableName === 'audit_log' ? 'No primary key' : 'Validated');
      expect(table.ValidationFailedRecords).toBe(0);
    }
    const { ReplicationTasks } = await client.send(
      new DescribeReplicationTasksCommand({ ...byArn, WithoutSettings: true }),
    );
    expect(ReplicationTasks![0]!.ReplicationTaskStats).toMatchObject({
      FullLoadProgressPercent: 100,
      TablesLoaded: PAYMENT_TABLES.length,
      TablesLoading: 0,
      TablesQueued: 0,
      TablesErrored: 0,
    });
    expect(ReplicationTasks![0]!.ReplicationTaskSettings).toBeUndefined();

    // CDC: writes on v1 after the load reach v2 through the subscription on the task's slot.
    await lab.databases.v1.session(async (c) => {
      await c.query(`INSERT INTO payments (id, account_id, amount, currency, status, created_at)
                     SELECT 900000000 + g, 1, 12.5, 'USD', 'pending', now() FROM generate_series(1, 3) AS g`);
      await c.query(`UPDATE payments SET status = 'settled' WHERE id = 900000001`);
      await c.query(`DELETE FROM payments WHERE id = 900000003`);
    });
    await eventually(
      () =>
        lab.databases.v2.admin(async (c) => {
          const { rows } = await c.query<{ id: string; status: string }>(
            'SELECT id::text, status FROM payments WHERE id > 900000000 ORDER BY id',
          );
          return (
            JSON.stringify(rows) ===
            JSON.stringify([
              { id: '900000001', status: 'settled' },
              { id: '900000002', status: 'pending' },
            ])
          );
        }),
      60_000,
      "v1's writes reaching v2",
    );
    await eventually(
      async () => {
        const payments = (await tableStatistics(client, taskArn)).find((s) => s.TableName === 'payments')!;
        return payments.Inserts! >= 3 && payments.Updates! >= 1 && payments.Deletes! >= 1;
      },
      30_000,
      'the CDC statistics',
    );

    // CDCLatencySource/Target, sampled every second while CDC runs.
    const cloudwatch = sandboxClient(CloudWatchClient, lab.sandbox, lab.config.regions.primary);
    try {
      const dimensions = [
        { Name: 'ReplicationInstanceIdentifier', Value: `dms-${lab.config.environment}` },
        { Name: 'ReplicationTaskIdentifier', Value: 'payments-move' },
      ];
      const now = Date.now();
      const { MetricDataResults } = await cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(now - 10 * 60_000),
          EndTime: new Date(now + 60_000),
          MetricDataQueries: ['CDCLatencySource', 'CDCLatencyTarget'].map((name, i) => ({
            Id: `m${i}`,
            MetricStat: {
              Metric: { Namespace: 'AWS/DMS', MetricName: name, Dimensions: dimensions },
              Period: 60,
              Stat: 'Maximum',
            },
          })),
        }),
      );
      for (const result of MetricDataResults!) {
        expect(result.Values!.length).toBeGreaterThan(0);
        for (const value of result.Values!) expect(value).toBeGreaterThanOrEqual(0);
      }
    } finally {
      cloudwatch.destroy();
    }

    // A running task cannot be deleted; stopped, it can, and nothing of its replication remains.
    await expectError(
      client.send(new DeleteReplicationTaskCommand({ ReplicationTaskArn: taskArn })),
      'InvalidResourceStateFault',
    );
    await client.send(new StopReplicationTaskCommand({ ReplicationTaskArn: taskArn }));
    await waitUntilReplicationTaskStopped({ client, ...WAIT }, byArn);
    const stopped = await client.send(new DescribeReplicationTasksCommand(byArn));
    expect(stopped.ReplicationTasks![0]!.StopReason).toBe('Stop Reason NORMAL');
    await client.send(new DeleteReplicationTaskCommand({ ReplicationTaskArn: taskArn }));
    await waitUntilReplicationTaskDeleted({ client, ...WAIT }, byArn);
    expect(await replicationObjects(lab)).toEqual({ slots: 0, publications: 0, subscriptions: 0 });
  });
});
