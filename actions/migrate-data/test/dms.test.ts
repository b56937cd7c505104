import type { ChildProcess } from 'node:child_process';
import {
  DatabaseMigrationServiceClient,
  DescribeEndpointsCommand,
  DescribeReplicationInstancesCommand,
  DescribeReplicationTasksCommand,
} from '@aws-sdk/client-database-migration-service';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  breakValidation,
  failReplicationTask,
  sandboxClient,
  startLab,
  type Lab,
  type PostgresServer,
} from '@dbmig/sandbox';
import { runCutover } from '../../cutover/test/phase3.js';
import { runVerify } from '../../verify-v2/test/run-verify.js';
import { errorsOf, ledgerTypes, mutatingCalls, runMigrate, tableDigests } from './run-migrate.js';

// migrate-data with `replication: dms`, through the bundled action against the sandbox's DMS, whose task
// moves the rows between the lab's two PostgreSQL servers and then carries v1's writes with real logical
// replication: refusals before anything is made, the data moved and validated, later writes carried,
// the cutover refusing beside the task, and a failed task failing the step with nothing left behind.

let lab: Lab;
let dms: DatabaseMigrationServiceClient;
let instanceArn: string;
const ROLE = 'arn:aws:iam::123456789012:role/dms-secrets-access';

beforeAll(async () => {
  lab = await startLab({ scenario: 'payments-world-replication' });
  dms = sandboxClient(DatabaseMigrationServiceClient, lab.sandbox, lab.config.regions.primary);
});
afterAll(async () => {
  dms?.destroy();
  await lab?.stop();
});

/** The secrets DMS reads, in its form: the guide's hold a bare password. */
async function dmsSecrets(): Promise<void> {
  const secrets = sandboxClient(SecretsManagerClient, lab.sandbox, lab.config.regions.primary);
  try {
    for (const [name, server] of [
      [`${lab.config.v1.secret}-dms`, lab.databases.v1],
      [`${lab.config.v2.secret}-dms`, lab.databases.v2],
    ] as const) {
      await secrets.send(
        new CreateSecretCommand({
          Name: name,
          SecretString: JSON.stringify({
            username: server.user,
            password: server.password,
            host: server.host,
            port: server.port,
          }),
        }),
      );
    }
  } finally {
    secrets.destroy();
  }
}

async function dmsObjects(): Promise<{ tasks: string[]; endpoints: string[] }> {
  const [tasks, endpoints] = await Promise.all([
    dms.send(new DescribeReplicationTasksCommand({})).catch(() => ({ ReplicationTasks: [] })),
    dms.send(new DescribeEndpointsCommand({})).catch(() => ({ Endpoints: [] })),
  ]);
  return {
    tasks: (tasks.ReplicationTasks ?? []).map((t) => t.ReplicationTaskIdentifier!),
    endpoints: (endpoints.Endpoints ?? []).map((e) => e.EndpointIdentifier!),
  };
}

function dmsInputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    steps: 'postgres,dynamodb',
    replication: 'dms',
    'dms-replication-instance-arn': instanceArn,
    'dms-access-role-arn': ROLE,
    'dms-v1-secret': `${lab.config.v1.secret}-dms`,
    'dms-v2-secret': `${lab.config.v2.secret}-dms`,
    'dms-poll-seconds': '1',
    'allow-replica-identity-full': 'true',
    ...extra,
  };
}

async function untilOnV2(server: PostgresServer, id: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const found = await server.admin((c) => c.query('SELECT 1 FROM accounts WHERE id = $1', [id]));
    if (found.rowCount === 1) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`account ${id} never reached v2`);
}

describe('migrate-data, replication: dms', () => {
  it('refuses, creating nothing, secrets that hold a bare password, naming both and the form DMS reads', async () => {
    const out = await dms.send(new DescribeReplicationInstancesCommand({}));
    instanceArn = out.ReplicationInstances![0]!.ReplicationInstanceArn!;
    const from = lab.sandbox.requests.length;
    const run = await runMigrate(lab, {
      ...dmsInputs(),
      'dms-v1-secret': '',
      'dms-v2-secret': '',
    });
    expect(run.exitCode).toBe(1);
    const [error] = errorsOf(run);
    expect(error).toMatch(/^DMS replication refused, nothing was changed:/);
    expect(error).toContain(`the v1 secret ${lab.config.v1.secret} holds a bare password`);
    expect(error).toContain(`the v2 secret ${lab.config.v2.secret} holds a bare password`);
    expect(error).toContain('{"username", "password", "host", "port"}');
    expect(mutatingCalls(lab, from)).toEqual([]);
    expect(await dmsObjects()).toEqual({ tasks: [], endpoints: [] });
    // No password of either server reaches the log (the runner takes the add-mask commands), though both secrets were read.
    const printed = (run.stdout + run.stderr)
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
    for (const password of [lab.databases.v1.password, lab.databases.v2.password]) {
      expect(printed).not.toContain(password);
    }
  });

  it('refuses an input that is not an instance ARN, naming the input and the form', async () => {
    const run = await runMigrate(lab, { ...dmsInputs(), 'dms-replication-instance-arn': 'dms-dev' });
    expect(run.exitCode).toBe(1);
    expect(errorsOf(run)[0]).toMatch(
      /dms-replication-instance-arn.*arn:aws:dms:<region>:<account>:rep:<id>.*got 'dms-dev'/,
    );
  });

  it('moves every row with a validated full-load-and-cdc task, then carries the writes made on v1', async () => {
    await dmsSecrets();
    const run = await runMigrate(lab, dmsInputs());
    expect(errorsOf(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('DMS connection tests: both successful');
    expect(run.stdout).toMatch(/DMS full load: stopped, 100 %, \d+ of \d+ tables loaded/);
    expect(run.stdout).toContain('DMS validation: every table validated');
    const replication = JSON.parse(run.outputs['replication']!) as { mode: string; taskArn: string };
    expect(replication).toMatchObject({ mode: 'dms', task: 'dbmig-dev' });
    expect(await tableDigests(lab.databases.v2)).toEqual(await tableDigests(lab.databases.v1));
    const types = await ledgerTypes(lab);
    expect(types).toContain('dms-objects-created');
    expect(types.at(-1)).toBe('replication-started');

    // A write made on v1 now reaches v2 through the task's change capture.
    await lab.databases.v1.admin((c) =>
      c.query(
        `INSERT INTO accounts (id, external_ref, country, opened_on, created_at)
         VALUES (980000001, 'dms-carried', 'DE', current_date, now())`,
      ),
    );
    await untilOnV2(lab.databases.v2, 980000001);
  });

  it('the cutover refuses beside the task, naming it and how to stop it', async () => {
    const verify = await runVerify(lab, { check: 'all' });
    expect(errorsOf(verify)).toEqual([]);
    const run = await runCutover(lab);
    expect(run.exitCode).toBe(1);
    const [error] = errorsOf(run);
    expect(error).toMatch(/a DMS task carries v1's writes to v2 .*DMS task dbmig-dev \(running\)/);
    expect(error).toContain('aws dms stop-replication-task --replication-task-arn');
    expect(error).toMatch(/Nothing was changed\.$/);
  });

  it('a task that fails fails the step, and what the run created is removed', async () => {
    await lab.load('payments-world-replication');
    await dmsSecrets();
    let failed = false;
    const run = await runMigrate(lab, dmsInputs(), {
      onSpawn: (child: ChildProcess) => {
        void (async () => {
          while (child.exitCode === null && !failed) {
            const tasks = await dms.send(new DescribeReplicationTasksCommand({})).catch(() => undefined);
            const task = tasks?.ReplicationTasks?.[0];
            if (task?.Status === 'running') {
              failReplicationTask(
                lab.sandbox,
                lab.config.regions.primary,
                task.ReplicationTaskIdentifier!,
                'ERROR: the target rejected a row (a test)',
              );
              failed = true;
            }
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        })();
      },
    });
    expect(failed).toBe(true);
    expect(run.exitCode).toBe(1);
    expect(errorsOf(run)[0]).toMatch(
      /The DMS task .* (failed|did not start).*the target rejected a row \(a test\)/,
    );
    expect(run.stdout).toContain('The DMS task and endpoints this run created were removed');
    expect(await dmsObjects()).toEqual({ tasks: [], endpoints: [] });
  });

  it('a validation that finds differences fails the step; the running task is stopped and removed', async () => {
    await lab.load('payments-world-replication');
    await dmsSecrets();
    breakValidation(lab.sandbox, lab.config.regions.primary, 'public.payments');
    const run = await runMigrate(lab, dmsInputs());
    expect(run.exitCode).toBe(1);
    expect(errorsOf(run)[0]).toMatch(
      /validation found differences in public\.payments \(Mismatched records, 1 records\)/,
    );
    expect(run.stdout).toMatch(/DMS task dbmig-dev stopped and deleted/);
    // The task was running its change capture: it had to be stopped before DMS would delete it.
    expect(lab.sandbox.calls('dms').map((c) => c.operation)).toContain('StopReplicationTask');
    expect(await dmsObjects()).toEqual({ tasks: [], endpoints: [] });
  });
});
