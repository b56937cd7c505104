import type { ChildProcess } from 'node:child_process';
import type { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import {
  DescribeReplicationInstancesCommand,
  DescribeReplicationTasksCommand,
} from '@aws-sdk/client-database-migration-service';
import {
  breakValidation,
  failReplicationTask,
  startLab,
  type Lab,
  type PostgresServer,
} from '@dbmig/sandbox';
import {
  dmsClient,
  dmsInputs as inputsFor,
  dmsObjects as objectsOf,
  dmsSecrets as secretsFor,
} from './dms-setup.js';
import { errorsOf, ledgerTypes, mutatingCalls, runMigrate, tableDigests } from './run-migrate.js';

// migrate-data with `replication: dms`, through the bundled action against the sandbox's DMS, whose task
// moves the rows between the lab's two PostgreSQL servers and then carries v1's writes with real logical
// replication: refusals before anything is made, the data moved and validated, later writes carried,
// and a failed task failing the step with nothing left behind. The cutover beside the task is
// actions/cutover/test/dms-cutover.test.ts.

let lab: Lab;
let dms: DatabaseMigrationServiceClient;
let instanceArn: string;

beforeAll(async () => {
  lab = await startLab({ scenario: 'payments-world-replication' });
  dms = dmsClient(lab);
});
afterAll(async () => {
  dms?.destroy();
  await lab?.stop();
});

const dmsSecrets = () => secretsFor(lab);
const dmsObjects = () => objectsOf(dms);
const dmsInputs = (extra: Record<string, string> = {}) => inputsFor(lab, instanceArn, extra);

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
    // The slot DMS named itself on v1, found as the one that appeared when the task started.
    expect(replication).toMatchObject({
      mode: 'dms',
      task: 'dbmig-dev',
      slot: expect.stringMatching(/^dms_/),
    });
    expect(run.stdout).toMatch(/DMS task dbmig-dev reads v1 through the slot dms_/);
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
