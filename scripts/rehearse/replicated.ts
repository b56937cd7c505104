import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  checkAcknowledgedSessionWrites,
  checkAcknowledgedWrites,
  sandboxClient,
  type Lab,
} from '@dbmig/sandbox';
import { REHEARSAL_BAKE_MINUTES } from './lifecycle.js';
import type { Dispatch, EnvironmentVariables } from './dispatch.js';

/*
 * The zero-downtime path, in an environment of its own: the application fleet writes to the database and
 * the table the whole time (inserts, updates and deletes; session items put, updated and deleted; each
 * acknowledged write logged); migrate.yml copies with logical replication and the table's stream,
 * verifies parity at a consistent cut and the replication lag, and cuts over with write-strategy
 * overlap; then every acknowledged write is looked for on v2.
 */

/** Writes per second of each application instance while the migration runs. */
const WRITES_PER_SECOND = 10;

export const REPLICATED_VARIABLES: EnvironmentVariables = {
  environment: {
    DB_MIGRATION_REPLICATION: 'logical',
    DB_MIGRATION_ALLOW_REPLICA_IDENTITY_FULL: 'true',
    DB_MIGRATION_MAX_CDC_LAG_SECONDS: '5',
  },
  cutover: { DB_MIGRATION_WRITE_STRATEGY: 'overlap', DB_MIGRATION_MAX_CDC_LAG_SECONDS: '5' },
};

export function replicatedLifecycle(environment: string): Dispatch[] {
  return [
    {
      title: `${environment}: migrate.yml while the application writes — copy with logical replication, parity at a consistent cut, the lag, then the cutover with write-strategy overlap`,
      workflow: 'migrate',
      inputs: { environment, 'bake-minutes': REHEARSAL_BAKE_MINUTES },
      expect: 'success',
      jobs: { 'verify-v2': 'success', 'migrate-data': 'success', parity: 'success', cutover: 'success' },
      outputs: { cutover: { 'cut-over': 'true', bake: 'passed', 'write-strategy': 'overlap' } },
      before: async (lab) => {
        lab.sandbox.fleet.startWriteLoad({ writesPerSecond: WRITES_PER_SECOND });
      },
    },
  ];
}

/** Stops the load and looks for every acknowledged write on v2; prints the counts and says whether none was lost. */
export async function countLostWrites(lab: Lab): Promise<boolean> {
  await lab.sandbox.fleet.stopWriteLoad();
  const writes = lab.sandbox.fleet.acknowledgedWrites();
  const rows = await lab.databases.v2.admin((c) => checkAcknowledgedWrites(c, writes));
  const sessions = lab.sandbox.fleet.acknowledgedSessionWrites();
  const dynamodb = sandboxClient(DynamoDBClient, lab.sandbox, lab.config.regions.primary);
  const items = await checkAcknowledgedSessionWrites(dynamodb, lab.config.v2.table, sessions).finally(() =>
    dynamodb.destroy(),
  );
  const n = (x: number) => x.toLocaleString('en-US');
  const total = writes.length + sessions.length;
  const lost = rows.missing.length + items.missing.length;
  console.log(
    `  ${lost === 0 ? '✔' : '✘'} ${n(total)} writes made during the migration, ${n(total - lost)} on v2, ${n(lost)} lost ` +
      `(PostgreSQL ${n(writes.length)} rows, ${n(rows.missing.length)} lost; DynamoDB ${n(sessions.length)} items, ${n(items.missing.length)} lost)`,
  );
  for (const line of [...rows.missing, ...items.missing].slice(0, 10)) console.log(`      ${line}`);
  return lost === 0 && writes.length > 0 && sessions.length > 0;
}
