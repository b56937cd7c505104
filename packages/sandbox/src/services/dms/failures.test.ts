import {
  CreateEndpointCommand,
  DeleteReplicationTaskCommand,
  DescribeConnectionsCommand,
  DescribeReplicationTasksCommand,
  StartReplicationTaskCommand,
  TestConnectionCommand,
  waitUntilReplicationTaskDeleted,
  waitUntilReplicationTaskReady,
  waitUntilTestConnectionSucceeds,
  type DatabaseMigrationServiceClient,
} from '@aws-sdk/client-database-migration-service';
import { startLab, type Lab } from '../../lab.js';
import { applyPaymentsSchema } from '../../scenarios/payments-data.js';
import { expectError } from '../../test-support.js';
import { failReplicationTask } from './index.js';
import {
  createEndpoint,
  createTask,
  dmsClient,
  eventually,
  instanceArn,
  labEndpoints,
  putSecret,
  replicationObjects,
  tableStatistics,
  taskSettings,
  WAIT,
} from './test-support.js';

let lab: Lab;
let client: DatabaseMigrationServiceClient;

beforeAll(async () => {
  lab = await startLab({ scenario: 'payments-world-replication' });
  client = dmsClient(lab);
}, 180_000);

afterAll(async () => {
  client?.destroy();
  await lab?.stop();
});

const only = (table: string) =>
  JSON.stringify({
    rules: [
      {
        'rule-type': 'selection',
        'rule-id': '1',
        'rule-name': table,
        'object-locator': { 'schema-name': 'public', 'table-name': table },
        'rule-action': 'include',
      },
    ],
  });

async function taskOf(arn: string) {
  const { ReplicationTasks } = await client.send(
    new DescribeReplicationTasksCommand({ Filters: [{ Name: 'replication-task-arn', Values: [arn] }] }),
  );
  return ReplicationTasks![0]!;
}

async function deleteTask(arn: string): Promise<void> {
  await client.send(new DeleteReplicationTaskCommand({ ReplicationTaskArn: arn }));
  await waitUntilReplicationTaskDeleted(
    { client, ...WAIT },
    { Filters: [{ Name: 'replication-task-arn', Values: [arn] }] },
  );
}

describe('DMS endpoints and connection tests', () => {
  test('an endpoint needs a secret or a password, never both', async () => {
    const base = { EndpointType: 'source' as const, EngineName: 'postgres', DatabaseName: 'paymentsdb' };
    await expectError(
      client.send(
        new CreateEndpointCommand({
          ...base,
          EndpointIdentifier: 'both',
          Password: 'secret',
          PostgreSQLSettings: {
            SecretsManagerSecretId: 'x',
            SecretsManagerAccessRoleArn: 'arn:aws:iam::123456789012:role/r',
          },
        }),
      ),
      'InvalidParameterValueException',
    );
    await expectError(
      client.send(new CreateEndpointCommand({ ...base, EndpointIdentifier: 'neither' })),
      'InvalidParameterValueException',
    );
  });

  test('a plain-password secret fails the test; a role DMS cannot assume is AccessDeniedFault', async () => {
    const { v1 } = lab.databases;
    const instance = await instanceArn(client, lab);
    const plain = await createEndpoint(
      client,
      'plain',
      'source',
      v1.database,
      putSecret(lab, 'plain', v1, v1.password),
    );
    await client.send(new TestConnectionCommand({ ReplicationInstanceArn: instance, EndpointArn: plain }));
    const byEndpoint = { Filters: [{ Name: 'endpoint-arn', Values: [plain] }] };
    await expect(waitUntilTestConnectionSucceeds({ client, ...WAIT }, byEndpoint)).rejects.toThrow(/FAILURE/);
    const { Connections } = await client.send(new DescribeConnectionsCommand(byEndpoint));
    expect(Connections![0]).toMatchObject({ Status: 'failed', EndpointIdentifier: 'plain' });
    expect(Connections![0]!.LastFailureMessage).toMatch(/username.*password.*host.*port/);

    const wrongPassword = await createEndpoint(
      client,
      'wrong-password',
      'source',
      v1.database,
      putSecret(
        lab,
        'wrong',
        v1,
        JSON.stringify({ username: v1.user, password: 'nope', host: v1.host, port: v1.port }),
      ),
    );
    await client.send(
      new TestConnectionCommand({ ReplicationInstanceArn: instance, EndpointArn: wrongPassword }),
    );
    await expect(
      waitUntilTestConnectionSucceeds(
        { client, ...WAIT },
        { Filters: [{ Name: 'endpoint-arn', Values: [wrongPassword] }] },
      ),
    ).rejects.toThrow(/password authentication failed/);

    const role = await createEndpoint(
      client,
      'other-role',
      'source',
      v1.database,
      putSecret(lab, 'json', v1),
      'arn:aws:iam::123456789012:role/somebody-else',
    );
    await expectError(
      client.send(new TestConnectionCommand({ ReplicationInstanceArn: instance, EndpointArn: role })),
      'AccessDeniedFault',
    );
  });
});

describe('failed DMS tasks', () => {
  test('a table missing on the target fails the task, naming the table', async () => {
    const endpoints = await labEndpoints(client, lab, 'missing');
    const arn = await createTask(client, lab, 'missing-table', endpoints, { mappings: only('payments') });
    await waitUntilReplicationTaskReady(
      { client, ...WAIT },
      { Filters: [{ Name: 'replication-task-arn', Values: [arn] }] },
    );
    await client.send(
      new StartReplicationTaskCommand({
        ReplicationTaskArn: arn,
        StartReplicationTaskType: 'start-replication',
      }),
    );
    await eventually(async () => (await taskOf(arn)).Status === 'failed', 30_000, 'the task failing');
    const task = await taskOf(arn);
    expect(task.StopReason).toBe('Stop Reason FATAL_ERROR');
    expect(task.LastFailureMessage).toMatch(/'public'\.'payments'/);
    expect(task.ReplicationTaskStats!.TablesErrored).toBe(1);
    expect((await tableStatistics(client, arn)).map((s) => [s.TableName, s.TableState])).toEqual([
      ['payments', 'Table error'],
    ]);
    await deleteTask(arn);
    expect(await replicationObjects(lab)).toEqual({ slots: 0, publications: 0, subscriptions: 0 });
  });

  test('failReplicationTask fails a running task as DMS does and stops its CDC', async () => {
    await applyPaymentsSchema(lab.databases.v2);
    const endpoints = await labEndpoints(client, lab, 'fail');
    const arn = await createTask(client, lab, 'to-fail', endpoints, {
      // No primary key, nothing referencing it: TRUNCATE_BEFORE_LOAD may empty it, CDC publishes its inserts.
      mappings: only('audit_log'),
      settings: taskSettings('TRUNCATE_BEFORE_LOAD', false),
    });
    await waitUntilReplicationTaskReady(
      { client, ...WAIT },
      { Filters: [{ Name: 'replication-task-arn', Values: [arn] }] },
    );
    await client.send(
      new StartReplicationTaskCommand({
        ReplicationTaskArn: arn,
        StartReplicationTaskType: 'start-replication',
      }),
    );
    await eventually(
      async () => {
        const task = await taskOf(arn);
        if (task.Status === 'failed') throw new Error(`the task failed: ${task.LastFailureMessage}`);
        return (await replicationObjects(lab)).subscriptions === 1;
      },
      30_000,
      'CDC starting',
    );
    const [audit] = await tableStatistics(client, arn);
    expect(audit).toMatchObject({
      TableName: 'audit_log',
      TableState: 'Table completed',
      ValidationState: 'Not enabled',
    });

    await failReplicationTask(
      lab.sandbox,
      lab.config.regions.primary,
      'to-fail',
      'Last Error Replication slot lost',
    );
    const task = await taskOf(arn);
    expect(task).toMatchObject({
      Status: 'failed',
      StopReason: 'Stop Reason FATAL_ERROR',
      LastFailureMessage: 'Last Error Replication slot lost',
    });
    const enabled = await lab.databases.v2.admin(
      async (c) =>
        (await c.query<{ subenabled: boolean }>('SELECT subenabled FROM pg_subscription')).rows[0]!
          .subenabled,
    );
    expect(enabled).toBe(false);
    await deleteTask(arn);
    expect(await replicationObjects(lab)).toEqual({ slots: 0, publications: 0, subscriptions: 0 });
  });
});

describe('a scenario load', () => {
  test('ends a running task and clears every DMS state', async () => {
    // A table of its own on both sides, so that the test needs nothing of the others.
    for (const server of [lab.databases.v1, lab.databases.v2]) {
      await server.session((c) => c.query('CREATE TABLE reset_probe (id int PRIMARY KEY)'));
    }
    await lab.databases.v1.session((c) => c.query('INSERT INTO reset_probe SELECT generate_series(1, 10)'));
    const endpoints = await labEndpoints(client, lab, 'reset');
    const arn = await createTask(client, lab, 'to-reset', endpoints, {
      mappings: only('reset_probe'),
      settings: taskSettings('TRUNCATE_BEFORE_LOAD', false),
    });
    await waitUntilReplicationTaskReady(
      { client, ...WAIT },
      { Filters: [{ Name: 'replication-task-arn', Values: [arn] }] },
    );
    await client.send(
      new StartReplicationTaskCommand({
        ReplicationTaskArn: arn,
        StartReplicationTaskType: 'start-replication',
      }),
    );
    await eventually(
      async () => {
        const task = await taskOf(arn);
        if (task.Status === 'failed') throw new Error(`the task failed: ${task.LastFailureMessage}`);
        return (await replicationObjects(lab)).subscriptions === 1;
      },
      30_000,
      'CDC starting',
    );

    await lab.load('payments-world-replication');
    const dms = lab.sandbox.world.region(lab.config.regions.primary).dms;
    expect([dms.tasks.size, dms.endpoints.size, dms.connections.size]).toEqual([0, 0, 0]);
    expect(dms.replicationInstances.size).toBe(1);
    expect(await replicationObjects(lab)).toEqual({ slots: 0, publications: 0, subscriptions: 0 });
  });
});
