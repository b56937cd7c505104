import { SSMClient } from '@aws-sdk/client-ssm';
import { Ledger } from '@dbmig/shared';
import {
  addBucket,
  passTime,
  days,
  HARNESS_REPOSITORY,
  runAction,
  sandboxClient,
  type ActionRun,
  type Lab,
  type RunActionOptions,
} from '@dbmig/sandbox';
import { migratedAndVerified, runCutover } from '../../cutover/test/phase3.js';

export { errorsOf, everythingPrinted } from '@dbmig/sandbox';
export { ledgerTypes } from '../../migrate-data/test/run-migrate.js';

export const REPOSITORY = HARNESS_REPOSITORY;
export const ARCHIVE_BUCKET = 'acme-db-archives';
export const APPROVER = 'dba-lead';

/**
 * The inputs of a cleanup that every guard lets through in the lab: confirmed, not a dry run, deletion
 * protection allowed off, point-in-time recovery allowed on, and the sandbox's short polls.
 */
export const GO: Record<string, string> = {
  environment: 'dev',
  confirm: 'DELETE-V1',
  'dry-run': 'false',
  'archive-bucket': ARCHIVE_BUCKET,
  'allow-disable-deletion-protection': 'true',
  'enable-point-in-time-recovery': 'true',
  'poll-seconds': '0.2',
  'wait-minutes': '2',
};

type RunOptions = Partial<Pick<RunActionOptions, 'env' | 'onSpawn'>>;

/**
 * Runs cleanup-v1's bundled dist/ as the runner does, against the lab's sandbox, as run `runId` of the
 * workflow (the same id for a re-run of one run), with GITHUB_TOKEN and the run's approval recorded.
 */
export function runCleanup(
  lab: Lab,
  inputs: Record<string, string> = {},
  options: RunOptions & { runId?: string } = {},
): Promise<ActionRun> {
  const runId = options.runId ?? String(3_000_000 + Math.floor(Math.random() * 1_000_000));
  lab.github.setApprovals(REPOSITORY, runId, [
    {
      state: 'approved',
      login: APPROVER,
      environments: ['dev-v1-cleanup'],
      comment: 'v2 stable, archives checked',
    },
  ]);
  return runAction({
    actionDir: 'actions/cleanup-v1',
    inputs: { ...GO, ...inputs },
    env: { ...lab.env(), ...lab.github.env(), GITHUB_RUN_ID: runId, ...options.env },
    timeoutMs: 200_000,
    ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
  });
}

/** The gate a protected environment gives: `dev-v1-cleanup` with a required reviewer. */
export function protectCleanupEnvironment(lab: Lab): void {
  lab.github.setEnvironment(REPOSITORY, 'dev-v1-cleanup', {
    reviewers: [{ type: 'User', login: APPROVER }],
    preventSelfReview: true,
  });
}

/**
 * The world as Phase 4 finds it: migrated, verified, cut over (through the bundled actions), the archive
 * bucket there, the cleanup environment protected, and `stableDays` days passed on the sandbox's clock.
 */
export async function cutOverAndStable(
  lab: Lab,
  stableDays: number,
  scenario = 'guide-world',
): Promise<void> {
  await migratedAndVerified(lab, scenario);
  const cutover = await runCutover(lab, {}, { env: lab.github.env() });
  if (cutover.exitCode !== 0) throw new Error(`cutover failed:\n${cutover.stdout}\n${cutover.stderr}`);
  addBucket(lab.sandbox.world, ARCHIVE_BUCKET, lab.config.regions.primary);
  protectCleanupEnvironment(lab);
  passTime(lab.sandbox, days(stableDays));
  await metricsCaughtUp(lab);
}

/**
 * A sample of the fleet's metrics on the sandbox's new day, a few seconds in the past: the time a
 * client reads off AWS's Date header is exact to the second only, and CloudWatch's newest datapoint
 * is never the very moment it is asked.
 */
export async function metricsCaughtUp(lab: Lab): Promise<void> {
  await lab.sandbox.fleet.settle();
  passTime(lab.sandbox, 5_000);
}

/**
 * Everything of v1 and v2 that a cleanup could touch, as a comparable record: clusters (status,
 * protection, membership), instances, global clusters and their members, tables with replicas, secrets
 * (with any deletion date), and the application parameters. Archives (snapshots, exports) are not in it.
 */
export function inventory(lab: Lab, side?: 'v1' | 'v2'): Record<string, unknown> {
  const { world } = lab.sandbox;
  const g = side ? lab.config[side] : undefined;
  const keep = (name: string, ...of: (keyof typeof lab.config.v1)[]) =>
    !g || of.some((key) => g[key].toLowerCase() === name.toLowerCase());
  const out: Record<string, unknown> = {};
  for (const region of [lab.config.regions.primary, lab.config.regions.dr]) {
    const state = world.region(region);
    for (const c of state.clusters.values()) {
      if (keep(c.identifier, 'primaryCluster', 'drCluster'))
        out[`cluster ${region} ${c.identifier}`] = [
          c.status,
          c.deletionProtection,
          c.globalClusterIdentifier ?? null,
        ];
    }
    for (const i of state.instances.values()) {
      if (keep(i.clusterIdentifier, 'primaryCluster', 'drCluster'))
        out[`instance ${region} ${i.identifier}`] = [i.status, i.clusterIdentifier];
    }
    for (const t of state.tables.values()) {
      if (keep(t.tableName, 'table'))
        out[`table ${region} ${t.tableName}`] = t.replicas.map((r) => `${r.regionName}:${r.replicaStatus}`);
    }
    for (const s of state.secrets.values()) {
      if (keep(s.name, 'secret')) out[`secret ${region} ${s.name}`] = s.deletedAt?.toISOString() ?? null;
    }
    if (!g) {
      for (const p of state.parameters.values()) {
        if (p.name.startsWith('/app/')) out[`parameter ${region} ${p.name}`] = [p.type, p.value, p.version];
      }
    }
  }
  for (const global of world.globalClusters.values()) {
    if (keep(global.identifier, 'globalCluster'))
      out[`global ${global.identifier}`] = [
        global.status,
        global.deletionProtection,
        global.members.map((m) => m.clusterArn),
      ];
  }
  return out;
}

/** A ledger reader for a test (the toolkit's own Ledger, as another run would append to it). */
export function testLedger(lab: Lab, runId: string): { ledger: Ledger; close(): void } {
  const ssm = sandboxClient(SSMClient, lab.sandbox, lab.config.regions.primary);
  const ledger = new Ledger({
    ssm,
    environment: lab.config.environment,
    run: { runId, attempt: 1, repository: REPOSITORY, fallbackSuffix: 'test00' },
    approvers: async () => ({ known: false, reason: 'a test' }),
    onSecret: () => undefined,
  });
  return { ledger, close: () => ssm.destroy() };
}

/** The lines of the job summary (GITHUB_STEP_SUMMARY) of a run. */
export function summaryOf(run: ActionRun): string {
  return run.summary;
}
