import { checkAcknowledgedWrites, type Lab } from '@dbmig/sandbox';
import { REHEARSAL_BAKE_MINUTES } from './lifecycle.js';
import type { Dispatch, EnvironmentVariables } from './dispatch.js';

/*
 * The zero-downtime path, in an environment of its own: the application fleet writes to the database the
 * whole time (inserts, updates and deletes, each acknowledged write logged); migrate.yml copies with
 * logical replication, verifies parity at a consistent cut and the replication lag, and cuts over with
 * write-strategy overlap; then every acknowledged write is looked for on v2.
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

/** Stops the load and looks for every acknowledged write on v2; prints the count and says whether none was lost. */
export async function countLostWrites(lab: Lab): Promise<boolean> {
  await lab.sandbox.fleet.stopWriteLoad();
  const writes = lab.sandbox.fleet.acknowledgedWrites();
  const check = await lab.databases.v2.admin((c) => checkAcknowledgedWrites(c, writes));
  const lost = check.missing.length;
  const n = (x: number) => x.toLocaleString('en-US');
  console.log(
    `  ${lost === 0 ? '✔' : '✘'} ${n(writes.length)} writes made during the migration, ${n(writes.length - lost)} on v2, ${n(lost)} lost`,
  );
  for (const line of check.missing.slice(0, 10)) console.log(`      ${line}`);
  return lost === 0 && writes.length > 0;
}
