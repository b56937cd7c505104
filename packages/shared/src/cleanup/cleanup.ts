import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import type { MigrationConfig } from '../config/types.js';
import type { PlanFingerprint } from '../preview/fingerprint.js';
import { replicationLeftoversCheck } from './replication-check.js';
import { runToken, type RunContext } from '../github/run-context.js';
import type { JsonObject, LedgerEvent } from '../ledger/event.js';
import type { Ledger } from '../ledger/ledger.js';
import type { LedgerView } from '../ledger/view.js';
import { Report, type Check } from '../report/report.js';
import { readAppParameters } from '../resources/app-parameters.js';
import { headArchiveBucket } from '../resources/archive-bucket.js';
import { pointInTimeRecoveryEnabled, pointInTimeRecoveryFix } from '../resources/table-export.js';
import { archiveNames, makeArchives, type ArchiveRecord } from './archives.js';
import { changelogEntry } from './changelog.js';
import { CLEANUP_EVENTS } from './events.js';
import { cleanupFingerprint, planFingerprintCheck } from './fingerprint.js';
import { CleanupStepError, deletionsOf, executePlan, type StepRecord } from './execute.js';
import {
  approvalGateCheck,
  completedCutover,
  confirmationCheck,
  deletionProtectionCheck,
  dryRunCheck,
  inventoryCheck,
  lockCheck,
  type GateReading,
} from './guards.js';
import { discoverInventory, inventoryEmpty, type V1Inventory } from './inventory.js';
import { cleanupLock } from './lock.js';
import type { CleanupOptions } from './options.js';
import { planDeletion, type PlanStep } from './plan.js';
import { stabilisation, stabilisationCheck, type Stabilisation } from './stability.js';
import { idleChecks, parametersCheck, parametersNamingV1, readV1Usage } from './v1-usage.js';

/*
 * Phase 4 as one call: every guard that needs no change, at once; then (unless a dry run) the lock, the
 * final archives awaited and recorded, and the deletion in AWS's order; then the CHANGELOG entry. Nothing
 * is changed before every guard of the first group has passed, and nothing of v1 is deleted before its
 * archives are verified.
 */

export interface CleanupClients {
  rds(region: string): RDSClient;
  dynamodb(region: string): DynamoDBClient;
  secretsManager(region: string): SecretsManagerClient;
  ssm(region: string): SSMClient;
  cloudwatch(region: string): CloudWatchClient;
  s3(region: string): S3Client;
  /** A DMS task migrate-data left on the replication instance is a guard's concern. */
  dms(region: string): DatabaseMigrationServiceClient;
  /** AWS's time now, as the clients have seen it (AwsClients.awsNow). */
  awsNow(): Date;
}

export interface CleanupContext {
  config: MigrationConfig;
  clients: CleanupClients;
  ledger: Ledger;
  run: RunContext;
  options: CleanupOptions;
  /** What GitHub says of the job's environment gate; asked once the ledger has been read. */
  gate: () => Promise<GateReading>;
  log: (line: string) => void;
  /** Registers a secret value (a database password read for the replication check) before it can leak. */
  mask: (secret: string) => void;
}

export type CleanupStatus = 'refused' | 'planned' | 'deleted' | 'already-clean' | 'failed';

export interface CleanupResult {
  status: CleanupStatus;
  report: Report;
  inventory: V1Inventory;
  plan: PlanStep[];
  archives: ArchiveRecord[];
  /** Steps carried out (by this run, or found already done). */
  done: StepRecord[];
  remaining: PlanStep[];
  stabilisation?: Stabilisation;
  changelog?: string;
  /** The last event this run recorded. */
  event?: LedgerEvent;
  /** Why it stopped, when it did not delete. */
  reason?: string;
  /** What the plan would do, as a fingerprint; set when nothing was changed (refused or a dry run). */
  fingerprint?: PlanFingerprint;
}

const FAIL = { failOnWarning: false };
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

export async function cleanUp(ctx: CleanupContext): Promise<CleanupResult> {
  const { config, clients, options, log } = ctx;
  const report = new Report(`Phase 4 — cleanup of v1 in ${config.environment}`);
  const view = await ctx.ledger.read();
  const regions = [config.regions.primary, config.regions.dr];
  const names = Object.values(config.parameters);
  const [inventory, parameters, gate] = await Promise.all([
    discoverInventory(config, clients),
    readAppParameters((r) => clients.ssm(r), regions, names),
    ctx.gate(),
  ]);
  // The ledger, the parameters and the inventory were just read: the clients' clock is AWS's.
  const awsNow = clients.awsNow();

  const cutover = completedCutover(view);
  const stable = cutover.completed
    ? stabilisation(cutover.completed, parameters, awsNow, options.minStableDays)
    : undefined;
  const committed = cutover.completed
    ? view.since(cutover.completed, CLEANUP_EVENTS.deletionStarted).at(-1)
    : undefined;
  const lock = cleanupLock(view, { ...(ctx.run.runId ? { id: ctx.run.runId } : {}) }, options.breakLock);
  const usage = await readV1Usage((r) => clients.cloudwatch(r), inventory, {
    start: new Date(awsNow.getTime() - options.connectionWindowHours * HOUR_MS),
    end: awsNow,
  });

  const [prerequisites, replication] = await Promise.all([
    archivePrerequisites(ctx, inventory, view, cutover.completed),
    replicationLeftoversCheck({ config, clients, sslMode: options.sslMode, mask: ctx.mask }, view, inventory),
  ]);
  const checks: Check[] = [
    parametersCheck(parametersNamingV1(config, inventory, parameters), regions),
    ...idleChecks(usage, options.connectionWindowHours).map((c) =>
      // Once deletion has begun, a cluster without instances has no metrics left to show: it is idle.
      committed && c.status === 'fail' && c.detail.startsWith('Cannot prove')
        ? {
            ...c,
            status: 'pass' as const,
            detail: `Its deletion began at ledger #${committed.sequence}; no datapoint is left.`,
          }
        : c,
    ),
    stabilisationCheck(stable, options.minStableDays),
    cutover.check,
    confirmationCheck(options.confirm, options.dryRun),
    approvalGateCheck(gate),
    inventoryCheck(config, inventory),
    lockCheck(lock),
    deletionProtectionCheck(inventory, options.allowDisableDeletionProtection),
    ...prerequisites.checks,
    ...(replication ? [replication] : []),
  ];
  for (const check of checks) report.add(check);

  const base = { report, inventory, archives: [], done: [], remaining: [] as PlanStep[] };
  const withStable = stable ? { stabilisation: stable } : {};
  const token = runToken(ctx.run, awsNow);
  const names4 = archiveNames(config, token, awsNow);
  const previewArchives: ArchiveRecord[] = [
    ...[config.v1.primaryCluster, config.v1.drCluster].map((c): ArchiveRecord => ({
      kind: 'cluster-snapshot',
      source: c,
      region: c === config.v1.primaryCluster ? config.regions.primary : config.regions.dr,
      identifier: names4.snapshots[c]!,
      arn: '',
      state: 'planned',
      reused: false,
    })),
    {
      kind: 'table-export',
      source: config.v1.table,
      region: config.regions.primary,
      identifier: `s3://${options.archiveBucket}/${names4.exportPrefix}`,
      arn: '',
      state: 'planned',
      reused: false,
    },
  ];
  const preview = planDeletion(config, inventory, previewArchives, options);
  const fingerprint = cleanupFingerprint(preview, previewArchives);
  // Once a deletion has begun (a re-run after a crash), what is left is less than what was approved.
  if (options.expectedPlan) {
    report.add(planFingerprintCheck(options.expectedPlan, fingerprint, committed?.sequence));
  }

  if (!report.healthy(FAIL)) {
    const failing = report.failing(FAIL).map((c) => c.id);
    return {
      ...base,
      ...withStable,
      status: 'refused',
      plan: preview,
      remaining: preview,
      fingerprint,
      reason: `Refused by ${failing.join(', ')}: nothing was changed.`,
    };
  }
  const alreadyClean = cutover.completed
    ? view.since(cutover.completed, CLEANUP_EVENTS.completed).at(-1)
    : undefined;
  if (inventoryEmpty(inventory) && alreadyClean) {
    const recordedArchives = (alreadyClean.data['archives'] as unknown as ArchiveRecord[] | undefined) ?? [];
    return {
      ...base,
      ...withStable,
      status: 'already-clean',
      plan: [],
      archives: recordedArchives,
      changelog: changelogEntry({
        environment: config.environment,
        view,
        completed: alreadyClean,
        cutover: cutover.completed!,
        archives: recordedArchives,
        deleted: ((alreadyClean.data['deleted'] as string[] | undefined) ?? []).map((id) =>
          id.split(':').at(-1)!,
        ),
      }),
      reason: `v1 was already deleted by the cleanup recorded at ledger #${alreadyClean.sequence}.`,
    };
  }
  if (options.dryRun) {
    report.add(dryRunCheck());
    return {
      ...base,
      ...withStable,
      status: 'planned',
      plan: preview,
      remaining: preview,
      fingerprint,
      reason: 'Dry run: nothing was changed.',
    };
  }

  // From here on the world changes: take the lock first (or keep this run's own).
  const completed = cutover.completed!;
  let started = lock.free && lock.resumes ? lock.resumes : undefined;
  if (!started) {
    started = await ctx.ledger.append(
      {
        type: CLEANUP_EVENTS.started,
        data: {
          cutover: completed.sequence,
          plan: preview.map((s) => s.id),
          ...(lock.free && lock.takesOver ? { takesOverLockOf: lock.takesOver.id } : {}),
        },
      },
      {
        expect: (latest: LedgerView) => {
          const now = cleanupLock(
            latest,
            { ...(ctx.run.runId ? { id: ctx.run.runId } : {}) },
            options.breakLock,
          );
          if (!now.free) return now.reason;
          if (now.resumes) return `this run already holds the lock (ledger #${now.resumes.sequence})`;
          const again = completedCutover(latest);
          return again.completed?.sequence === completed.sequence
            ? true
            : 'the cutover the guards read is no longer the one that stands';
        },
      },
    );
    log(`Took the environment's lock: ledger #${started.sequence}.`);
  } else {
    log(`Resuming the cleanup this run started at ledger #${started.sequence}.`);
  }

  const retainUntil = new Date(awsNow.getTime() + options.retainDays * DAY_MS).toISOString().slice(0, 10);
  const made = await makeArchives({
    config,
    inventory,
    view,
    since: completed,
    ledger: ctx.ledger,
    rds: (r) => clients.rds(r),
    dynamodb: (r) => clients.dynamodb(r),
    names: names4,
    retainUntil,
    ...(ctx.run.runUrl ? { runUrl: ctx.run.runUrl } : {}),
    bucket: options.archiveBucket,
    enablePointInTimeRecovery: options.enablePointInTimeRecovery,
    // As the guard read it; asked only when the guard did not (an earlier export is to be reused).
    pointInTimeRecovery:
      prerequisites.pointInTimeRecovery ??
      (inventory.table
        ? await pointInTimeRecoveryEnabled(clients.dynamodb(config.regions.primary), inventory.table.name)
        : true),
    waitSeconds: options.waitSeconds,
    ...delays(options),
    log,
  });
  for (const check of made.checks) report.add(check);
  if (made.checks.some((c) => c.status === 'fail')) {
    const reason = `The final archives are not all verified: nothing of v1 was deleted.`;
    const event = await ctx.ledger.append({
      type: CLEANUP_EVENTS.failed,
      data: { stage: 'archives', reason, archives: made.archives as unknown as JsonObject[] },
    });
    return {
      ...base,
      ...withStable,
      status: 'refused',
      plan: preview,
      remaining: preview,
      archives: made.archives,
      event,
      reason,
    };
  }

  const plan = planDeletion(config, inventory, made.archives, options);
  log('The deletion plan, in order:');
  plan.forEach((step, i) => log(`  ${i + 1}. [${step.region}] ${step.description}`));
  await ctx.ledger.append({
    type: CLEANUP_EVENTS.deletionStarted,
    id: `deletion-${started.id}`,
    data: { plan: plan.map((s) => ({ id: s.id, description: s.description })) as unknown as JsonObject[] },
  });

  const stepContext = {
    clients,
    globalCluster: config.v1.globalCluster,
    secretRecoveryDays: options.secretRecoveryDays,
    waitSeconds: options.waitSeconds,
    ...delays(options),
    log,
  };
  try {
    const done = await executePlan(plan, stepContext, (r) =>
      log(`${r.outcome === 'done' ? 'Done' : 'Already done'}: ${r.step.description}`),
    );
    const after = await discoverInventory(config, clients);
    if (!inventoryEmpty(after)) {
      throw new CleanupStepError(done, planDeletion(config, after, made.archives, options), [
        { step: plan.at(-1)!, error: new Error('v1 resources remain after every step reported done') },
      ]);
    }
    const deleted = deletionsOf(plan, done);
    const event = await ctx.ledger.append({
      type: CLEANUP_EVENTS.completed,
      id: `completed-${started.id}`,
      data: {
        deleted: deleted.map((d) => d.step.id),
        archives: made.archives.map(({ reused: _r, ...a }) => a) as unknown as JsonObject[],
      },
    });
    const changelog = changelogEntry({
      environment: config.environment,
      view: await ctx.ledger.read(),
      completed: event,
      cutover: completed,
      archives: made.archives,
      deleted: deleted.map((d) => d.step.resource),
    });
    return {
      ...base,
      ...withStable,
      status: 'deleted',
      plan,
      archives: made.archives,
      done,
      remaining: [],
      changelog,
      event,
    };
  } catch (error) {
    if (!(error instanceof CleanupStepError)) throw error;
    const event = await ctx.ledger.append({
      type: CLEANUP_EVENTS.failed,
      data: {
        stage: 'deletion',
        reason: error.message,
        done: error.done.map((d) => d.step.id),
        remaining: error.remaining.map((s) => s.id),
      },
    });
    return {
      ...base,
      ...withStable,
      status: 'failed',
      plan,
      archives: made.archives,
      done: error.done,
      remaining: error.remaining,
      event,
      reason: error.message,
    };
  }
}

/**
 * The export's prerequisites, checked before anything changes: the bucket is there and usable, and the
 * table can be exported (point-in-time recovery on, or allowed to be turned on). Skipped when an export
 * recorded since the cutover is to be reused or the table is already gone.
 */
async function archivePrerequisites(
  ctx: CleanupContext,
  inventory: V1Inventory,
  view: LedgerView,
  completed: LedgerEvent | undefined,
): Promise<{ checks: Check[]; pointInTimeRecovery?: boolean }> {
  const { config, clients, options } = ctx;
  const region = config.regions.primary;
  const table = inventory.table;
  const recorded = completed
    ? view.since(completed, CLEANUP_EVENTS.archiveMade).some((e) => e.data['kind'] === 'table-export')
    : false;
  if (!table || recorded) return { checks: [] };
  const [bucket, pitr] = await Promise.all([
    headArchiveBucket(clients.s3(region), options.archiveBucket),
    pointInTimeRecoveryEnabled(clients.dynamodb(region), table.name),
  ]);
  const checks: Check[] = [
    {
      id: 'archive-bucket',
      title: 'The archive bucket exists and may be written',
      resource: options.archiveBucket,
      status: bucket.ok ? 'pass' : 'fail',
      detail: bucket.ok
        ? `s3://${options.archiveBucket}${bucket.region ? ` (${bucket.region})` : ''} is there.`
        : `${bucket.reason}: set archive-bucket to an existing bucket this role may write to.`,
    },
    {
      id: 'point-in-time-recovery',
      title: 'The v1 table can be exported (point-in-time recovery)',
      region,
      resource: table.name,
      status: pitr || options.enablePointInTimeRecovery ? 'pass' : 'fail',
      detail: pitr
        ? 'Point-in-time recovery is on.'
        : options.enablePointInTimeRecovery
          ? 'Point-in-time recovery is off; enable-point-in-time-recovery is true, so it is turned on before the export.'
          : `Point-in-time recovery is off, and ExportTableToPointInTime needs it. Run \`${pointInTimeRecoveryFix(table.name, region)}\`, or set enable-point-in-time-recovery: true.`,
    },
  ];
  return { checks, pointInTimeRecovery: pitr };
}

function delays(options: CleanupOptions) {
  return {
    ...(options.minDelaySeconds !== undefined ? { minDelaySeconds: options.minDelaySeconds } : {}),
    ...(options.maxDelaySeconds !== undefined ? { maxDelaySeconds: options.maxDelaySeconds } : {}),
  };
}
