/**
 * `npm run rehearse`: the migration's lifecycle on this machine, with no AWS account, through the
 * repository's real workflow files. Starts the AWS sandbox, the sandbox's GitHub API and real PostgreSQL
 * servers for v1 and v2, loads the payments world for an environment (v1 holding a payments-like database
 * and a sessions table, v2 deployed and empty), and dispatches `.github/workflows/migrate.yml`,
 * `rollback.yml` and `cleanup-v1.yml` with their inputs: each parsed with GitHub's own parser, its jobs run
 * in `needs` order behind their environments (approved in the sandbox's GitHub), each toolkit step run
 * from its bundled dist/ through the runner harness (scripts/rehearse/, packages/sandbox/src/workflows/).
 * A workflow GitHub would reject, or a step given an input its action does not declare, fails the
 * rehearsal. Stops everything it started, and exits non-zero when a run does not end as expected.
 *
 * The lifecycle: Phases 1 and 2 (verify v2, back up v1, copy, parity), a drill (a payment changed on v2:
 * parity names it and the cutover does not run), Phase 3 (cutover with a short bake, rollback, parity and
 * cutover again), Phase 4 (a cleanup tried at once and refused, seven days let pass on the sandbox's clock,
 * the cleanup's dry run with its plan, the cleanup, its CHANGELOG entry), and a second environment
 * (`staging`, its own lab) whose v2 is unhealthy: its cutover bakes, fails and rolls back by itself; and
 * a third (`prod`) migrated while its application writes throughout: copy with logical replication,
 * parity at a consistent cut, cutover with write-strategy overlap, every acknowledged write found on v2
 * and counted.
 * `--workflows <dir>` rehearses the workflow files of another folder (a copy being changed) instead.
 * `--v1-database-url` / `--v2-database-url` point the clusters at PostgreSQL servers the user already runs
 * (a restored copy of production, an empty server): nothing is seeded into or changed in v1 given that way.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startLab, type Lab } from '@dbmig/sandbox';
import { runDispatches, runnerFor, WORKFLOWS } from './rehearse/dispatch.js';
import { lifecycle, schemaMode, unhealthyLifecycle, VARIABLES } from './rehearse/lifecycle.js';
import { printLedger } from './rehearse/print.js';
import { runPreview } from './rehearse/preview.js';
import { countLostWrites, REPLICATED_VARIABLES, replicatedLifecycle } from './rehearse/replicated.js';

/** After the automatic rollback: every parameter the application reads names v1 again. */
function parametersOnV1(lab: Lab): boolean {
  const { parameters, regions, v1 } = lab.config;
  const held = lab.sandbox.world.region(regions.primary).parameters;
  const endpoint = held.get(parameters.endpoint);
  const server = lab.databases.v1;
  // The endpoint is compared, never printed: it is a SecureString's value.
  const onV1 =
    endpoint?.type === 'SecureString' &&
    endpoint.value === `${server.host}:${server.port}` &&
    held.get(parameters.passwordSecret)?.value === v1.secret &&
    held.get(parameters.dynamodbTable)?.value === v1.table;
  console.log(
    `  ${onV1 ? '✔' : '✘'} the parameters name v1 again (the endpoint as a SecureString, ${v1.secret}, ${v1.table})`,
  );
  return onV1;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      environment: { type: 'string', default: 'dev' },
      'v1-database-url': { type: 'string' },
      'v2-database-url': { type: 'string' },
      small: { type: 'boolean', default: false },
      workflows: { type: 'string', default: WORKFLOWS },
    },
  });
  const workflows = path.resolve(values.workflows!);
  const environment = values.environment!;
  const started = Date.now();
  const scenario = values.small ? 'payments-world' : 'payments-world-large';
  console.log(
    `Rehearsal of the v1 → v2 migration for "${environment}" through ${path.relative(process.cwd(), workflows) || workflows}/: starting the AWS sandbox and PostgreSQL v1/v2, loading ${scenario}…`,
  );
  // From the environment too: a URL with a password on the command line is visible to every user of the
  // machine in the process list.
  const v1Url = values['v1-database-url'] ?? process.env['DBMIG_V1_DATABASE_URL'];
  const v2Url = values['v2-database-url'] ?? process.env['DBMIG_V2_DATABASE_URL'];
  const databaseUrls = { ...(v1Url ? { v1: v1Url } : {}), ...(v2Url ? { v2: v2Url } : {}) };
  const lab = await startLab({ environment, scenario, databaseUrls });
  let ok = true;
  try {
    const { v1, v2 } = lab.databases;
    console.log(`  sandbox ${lab.sandbox.url}; v1 ${v1.redactedUrl()}; v2 ${v2.redactedUrl()}`);
    const { schema, note } = schemaMode(v1);
    console.log(`  ${note}`);
    const runner = runnerFor(lab, environment, VARIABLES);
    ok =
      (await runPreview(lab, runner, environment, workflows)) &&
      (await runDispatches(lab, runner, lifecycle(lab, environment, schema), workflows));
    await printLedger(lab);
  } finally {
    await lab.stop();
  }
  if (ok) {
    // Its own lab: the sandbox's config (names, fleet) is one environment's, and its servers are the
    // lab's own even when the first environment ran on the user's databases.
    const other = environment === 'staging' ? 'qa' : 'staging';
    console.log(`\nA second environment, "${other}", whose v2 is unhealthy (scenario v2-unhealthy)…`);
    const unhealthy = await startLab({ environment: other, scenario: 'v2-unhealthy' });
    try {
      ok =
        (await runDispatches(unhealthy, runnerFor(unhealthy, other), unhealthyLifecycle(other), workflows)) &&
        parametersOnV1(unhealthy);
      await printLedger(unhealthy);
    } finally {
      await unhealthy.stop();
    }
  }
  if (ok) {
    const live = environment === 'prod' ? 'prod-2' : 'prod';
    console.log(
      `\nA third environment, "${live}", migrated while its application writes (logical replication, cutover overlap)…`,
    );
    const replicated = await startLab({ environment: live, scenario: 'payments-world-replication' });
    try {
      ok =
        (await runDispatches(
          replicated,
          runnerFor(replicated, live, REPLICATED_VARIABLES),
          replicatedLifecycle(live),
          workflows,
        )) && (await countLostWrites(replicated));
      await printLedger(replicated);
    } finally {
      await replicated.sandbox.fleet.stopWriteLoad();
      await replicated.stop();
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `\n${ok ? 'Rehearsal passed' : 'Rehearsal FAILED'} in ${seconds} s; sandbox and databases stopped.`,
  );
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('Rehearsal could not run:', error);
    process.exit(1);
  },
);
