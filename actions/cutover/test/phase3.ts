import {
  runAction,
  type ActionRun,
  type Lab,
  type PostgresServer,
  type RunActionOptions,
} from '@dbmig/sandbox';
import { runMigrate } from '../../migrate-data/test/run-migrate.js';
import { runVerify } from '../../verify-v2/test/run-verify.js';

export { errorsOf, everythingPrinted } from '@dbmig/sandbox';
export { ledgerTypes, mutatingCalls } from '../../migrate-data/test/run-migrate.js';

/** Inputs that keep a test short: a bake of six seconds; everything else as a workflow would leave it. */
export const FAST: Record<string, string> = { environment: 'dev', 'bake-minutes': '0.1' };

type RunOptions = Partial<Pick<RunActionOptions, 'env' | 'onSpawn'>>;

/** Runs cutover's bundled dist/ as the runner does, against the lab's sandbox. */
export function runCutover(
  lab: Lab,
  inputs: Record<string, string> = {},
  options: RunOptions = {},
): Promise<ActionRun> {
  return runAction({
    actionDir: 'actions/cutover',
    inputs: { ...FAST, ...inputs },
    env: { ...lab.env(), ...options.env },
    timeoutMs: 200_000,
    ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
  });
}

/** Runs rollback's bundled dist/ as the runner does, against the lab's sandbox. */
export function runRollback(
  lab: Lab,
  inputs: Record<string, string> = {},
  options: RunOptions = {},
): Promise<ActionRun> {
  return runAction({
    actionDir: 'actions/rollback',
    inputs: { environment: 'dev', ...inputs },
    env: { ...lab.env(), ...options.env },
    timeoutMs: 200_000,
    ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
  });
}

/**
 * The world as the cutover finds it in production: the scenario loaded, v1's data copied into v2 by
 * migrate-data, and v2's health and the parity proved and recorded by verify-v2, all through their
 * bundled dist/.
 */
export async function migratedAndVerified(lab: Lab, scenario = 'guide-world'): Promise<void> {
  await lab.load(scenario);
  const migrate = await runMigrate(lab, { steps: 'postgres,dynamodb' });
  if (migrate.exitCode !== 0) throw new Error(`migrate-data failed:\n${migrate.stdout}\n${migrate.stderr}`);
  const verify = await runVerify(lab, { check: 'all' });
  if (verify.exitCode !== 0) throw new Error(`verify-v2 failed:\n${verify.stdout}\n${verify.stderr}`);
}

/** One application parameter in one Region as the sandbox holds it (type and value), or undefined. */
export function parameter(
  lab: Lab,
  region: string,
  name: string,
): { type: string; value: string } | undefined {
  const p = lab.sandbox.world.region(region).parameters.get(name);
  return p ? { type: p.type, value: p.value } : undefined;
}

/** Every application parameter in both Regions, as a comparable record. */
export function appParameters(lab: Lab): Record<string, { type: string; value: string } | undefined> {
  const { regions, parameters } = lab.config;
  const out: Record<string, { type: string; value: string } | undefined> = {};
  for (const region of [regions.primary, regions.dr]) {
    for (const name of Object.values(parameters)) out[`${region} ${name}`] = parameter(lab, region, name);
  }
  return out;
}

/** Connections the application fleet holds on a server, as PostgreSQL itself counts them. */
export async function fleetConnections(server: PostgresServer): Promise<number> {
  return server.admin(async (client) => {
    const result = await client.query<{ n: string }>(
      "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name LIKE 'fleet %'",
    );
    return Number(result.rows[0]!.n);
  });
}
