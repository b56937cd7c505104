import type { AwsClients } from '../aws/clients.js';
import type { MigrationConfig } from '../config/types.js';
import { APP_PARAMETER_KEYS } from '../cutover/targets.js';
import { cutoverState, CUTOVER_EVENTS, type CutoverState } from '../cutover/state.js';
import type { RefreshSettings } from '../cutover/plan.js';
import type { SslMode } from '../data/ssl-mode.js';
import { CLEANUP_EVENTS } from '../cleanup/events.js';
import { describeHolder, lockHolder } from '../cleanup/lock.js';
import { VerdictError } from '../errors/index.js';
import { describeEvent } from '../ledger/describe.js';
import type { JsonObject, LedgerEvent } from '../ledger/event.js';
import type { Ledger } from '../ledger/ledger.js';
import type { LedgerView } from '../ledger/view.js';
import { parameterLabel, readAppParameters } from '../resources/app-parameters.js';
import {
  writeParameters,
  type ParameterWrite,
  type WrittenParameter,
} from '../resources/parameter-writes.js';
import { cancelActiveRefreshes, refreshBothGroups } from '../cutover/refreshes.js';
import { restoreFromInputs, restoreFromLedger, type ExplicitV1, type RestorePlan } from './restore-plan.js';
import { planRollbackReplication } from './replication.js';
import { confirmTrafficReturned, type TrafficProof } from './traffic.js';
import { measureWritesAtRisk, type WritesAtRisk } from './writes-at-risk.js';

export interface RollbackOptions {
  dryRun: boolean;
  /** The v1 values for when the ledger records no cutover. */
  explicit: ExplicitV1;
  /** The inputs that carry them, named in a refusal. */
  inputNames: { endpoint: string; secretName: string; tableName: string };
  refresh: RefreshSettings;
  refreshTimeoutMs: number;
  /** How long traffic may take to return to v1 after the refreshes. */
  trafficTimeoutMs: number;
  timestampColumn?: string;
  sslMode: SslMode;
  /** The first delay of the DMS waiters that stop and delete a DMS task left running. */
  dmsPollSeconds?: number;
  /** Why this rollback runs, when the cutover started it (a failed bake, a failed refresh). */
  reason?: string;
}

export interface RollbackResult {
  rolledBack: boolean;
  /** Set when nothing was done, with why (already rolled back; dry run). */
  nothingDone?: string;
  plan?: RestorePlan;
  restored: WrittenParameter[];
  writesAtRisk?: { beforeRestore?: WritesAtRisk; afterTraffic?: WritesAtRisk; error?: string };
  traffic?: TrafficProof;
  /** From the rollback's start, on the runner's clock. */
  timings: { parametersRestoredMs?: number; trafficConfirmedMs?: number };
  event?: LedgerEvent;
}

export interface RollbackContext {
  config: MigrationConfig;
  clients: AwsClients;
  ledger: Ledger;
  options: RollbackOptions;
  log(line: string): void;
  mask(secret: string): void;
}

/**
 * Step 3.4, made exact: the parameters back to precisely what the recorded cutover replaced (or the
 * explicit v1 values), in every Region it wrote, in one round of parallel calls; both groups refreshed
 * (a refresh still running from the cutover is cancelled first); and proof from CloudWatch that traffic
 * returned to v1. Writes made on v2 since the cutover, which a rollback leaves behind, are measured and
 * reported. Safe to re-run: a second run after a completed rollback changes nothing.
 */
export async function rollBack(ctx: RollbackContext): Promise<RollbackResult> {
  const { config, clients, ledger, options, log } = ctx;
  const startedAt = Date.now();
  const view = await ledger.read();
  const state = cutoverState(view);
  if (state.phase === 'rolled-back') {
    const why = `${config.environment} is already rolled back: ${describeEvent(state.rolledBack)}; nothing to do`;
    log(why);
    return { rolledBack: true, nothingDone: why, restored: [], timings: {} };
  }
  const cleanup = cleanupInTheWay(view, state);
  if (cleanup !== true) throw new VerdictError(`Rollback refused: ${cleanup}`);
  const plan = await restorePlan(ctx, state);
  log(
    plan.source.kind === 'ledger'
      ? `Restoring what the cutover recorded (${describeEvent(plan.source.event)}):`
      : 'No cutover is recorded in the ledger; restoring the v1 values given as inputs:',
  );
  for (const write of plan.writes) log(`  ${describeWrite(write)}`);
  const replication = await planRollbackReplication(
    {
      config,
      clients,
      sslMode: options.sslMode,
      mask: ctx.mask,
      log,
      ...(options.dmsPollSeconds !== undefined ? { dmsPollSeconds: options.dmsPollSeconds } : {}),
    },
    view,
    state,
  );
  for (const line of replication?.lines ?? []) log(`  ${line}`);
  if (options.dryRun) {
    return {
      rolledBack: false,
      nothingDone: 'dry run: nothing was changed',
      plan,
      restored: [],
      timings: {},
    };
  }

  const clusters = clustersOf(config, state);
  const cutoverAt = state.phase === 'cut-over' ? state.started.at : new Date();
  const parity = view.latest('parity-passed');
  const measure = () =>
    measureWritesAtRisk({
      config,
      clients,
      ...(parity ? { parity } : {}),
      since: cutoverAt,
      ...(options.timestampColumn ? { timestampColumn: options.timestampColumn } : {}),
      sslMode: options.sslMode,
      mask: ctx.mask,
    });
  // Counting starts with the restore, not before it: on a large database the counts take minutes, and
  // every one of them is a minute more of writes landing on v2.
  const beforeRestore = settle(measure());
  const [restored, , cancelled] = await Promise.all([
    writeParameters((region) => clients.ssm(region), plan.writes),
    ledger.append(
      {
        type: CUTOVER_EVENTS.rollbackStarted,
        data: {
          source: plan.source.kind === 'ledger' ? { cutover: plan.source.event.sequence } : { inputs: true },
          ...(options.reason ? { reason: options.reason } : {}),
        },
      },
      { expect: (now) => stillToRollBack(now, state) },
    ),
    cancelActiveRefreshes(config, clients, log),
  ]);
  const parametersRestoredMs = Date.now() - startedAt;
  log(`Every parameter restored ${parametersRestoredMs} ms after the rollback started.`);
  await ledger.append({
    type: CUTOVER_EVENTS.parametersRestored,
    data: { parameters: restored.map(writtenRecord), parametersRestoredMs },
    requestIds: restored.flatMap((w) => (w.requestId ? [w.requestId] : [])),
  });
  // Before the refreshes bring the application back to v1: it must be able to write there.
  await replication?.apply((event) => ledger.append(event));

  const refreshes = await refreshBothGroups(config, clients, options.refresh, options.refreshTimeoutMs, log);
  const traffic = await confirmTrafficReturned(clients.cloudwatch(config.regions.primary), {
    clusters,
    since: refreshes.finishedAt,
    now: () => clients.awsNow(),
    timeoutMs: options.trafficTimeoutMs,
    log,
  });
  const trafficConfirmedMs = Date.now() - startedAt;
  log(`Traffic back on v1 ${trafficConfirmedMs} ms after the rollback started.`);
  const writesAtRisk = {
    ...(await beforeRestore).asField('beforeRestore'),
    ...(await settle(measure())).asField('afterTraffic'),
  };
  const event = await ledger.append({
    type: CUTOVER_EVENTS.rolledBack,
    data: {
      source: plan.source.kind === 'ledger' ? { cutover: plan.source.event.sequence } : { inputs: true },
      ...(options.reason ? { reason: options.reason } : {}),
      cancelledRefreshes: cancelled,
      refreshes: refreshes.refreshes,
      traffic: traffic as unknown as JsonObject,
      timings: { parametersRestoredMs, trafficConfirmedMs },
      writesAtRisk: writesAtRisk as unknown as JsonObject,
    },
    requestIds: refreshes.requestIds,
  });
  return {
    rolledBack: true,
    plan,
    restored,
    writesAtRisk,
    traffic,
    timings: { parametersRestoredMs, trafficConfirmedMs },
    event,
  };
}

async function restorePlan(ctx: RollbackContext, state: CutoverState): Promise<RestorePlan> {
  if (state.phase === 'cut-over') return restoreFromLedger(state.started);
  const { config, clients } = ctx;
  const names = APP_PARAMETER_KEYS.map((key) => config.parameters[key]);
  const now = await readAppParameters(
    (region) => clients.ssm(region),
    [config.regions.primary, config.regions.dr],
    names,
  );
  return restoreFromInputs(config, ctx.options.explicit, now, ctx.options.inputNames);
}

/**
 * Phase 4 and a rollback exclude each other: while a cleanup holds the environment's lock, or once it
 * has begun deleting v1 after the cutover, pointing the applications back at v1 would send them to a
 * database that is going away. The final archives are then the way back.
 */
function cleanupInTheWay(view: LedgerView, state: CutoverState): true | string {
  const holder = lockHolder(view);
  if (holder?.job === 'cleanup') {
    return `${describeHolder(holder)} is cleaning up v1: wait for it to end; a rollback cannot run while v1 may be deleted.`;
  }
  const deletion = view.latest(CLEANUP_EVENTS.deletionStarted);
  if (deletion && (state.phase !== 'cut-over' || deletion.sequence > state.started.sequence)) {
    return (
      `the deletion of v1 began at ${describeEvent(deletion)}: v1 is gone or going, so the applications ` +
      `cannot be pointed back at it. Restore v1 from its final archives (the archive-made events of the ledger) instead.`
    );
  }
  return true;
}

/** The expect of rollback-started: the cutover being undone is still the one standing. */
function stillToRollBack(view: LedgerView, was: CutoverState): true | string {
  const cleanup = cleanupInTheWay(view, was);
  if (cleanup !== true) return cleanup;
  const now = cutoverState(view);
  if (now.phase === 'rolled-back') return `it was rolled back meanwhile: ${describeEvent(now.rolledBack)}`;
  if (
    was.phase === 'cut-over' &&
    (now.phase !== 'cut-over' || now.started.sequence !== was.started.sequence)
  ) {
    return 'another cutover was recorded meanwhile: run the rollback again to undo that one';
  }
  return true;
}

function clustersOf(config: MigrationConfig, state: CutoverState): { v1: string; v2: string } {
  if (state.phase === 'cut-over') {
    const recorded = state.started.data['clusters'] as { v1?: string; v2?: string } | undefined;
    if (recorded?.v1 && recorded.v2) return { v1: recorded.v1, v2: recorded.v2 };
  }
  return { v1: config.v1.primaryCluster, v2: config.v2.primaryCluster };
}

function describeWrite(write: ParameterWrite): string {
  if (!write.value) return `${parameterLabel(write)}: delete (the cutover created it)`;
  const shown = write.value.type === 'SecureString' ? '***' : write.value.value;
  return `${parameterLabel(write)}: ${write.value.type} ${shown}`;
}

/** What the ledger keeps of a write: never a value, since a SecureString's would be in the clear. */
function writtenRecord(write: WrittenParameter): JsonObject {
  return {
    region: write.region,
    name: write.name,
    ...(write.value ? { type: write.value.type } : { deleted: true }),
    ...(write.version !== undefined ? { version: write.version } : {}),
  };
}

/** A measurement that must not fail the rollback: its result, or why it could not be made. */
async function settle(measurement: Promise<WritesAtRisk>) {
  try {
    const value = await measurement;
    return { asField: (key: string) => ({ [key]: value }) };
  } catch (error) {
    const message = `writes at risk could not be measured: ${(error as Error).message}`;
    return { asField: () => ({ error: message }) };
  }
}
