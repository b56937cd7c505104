import type { AwsClients } from '../aws/clients.js';
import type { MigrationConfig } from '../config/types.js';
import type { SslMode } from '../data/ssl-mode.js';
import { VerdictError } from '../errors/index.js';
import { LedgerRefusal } from '../ledger/errors.js';
import { describeEvent } from '../ledger/describe.js';
import type { JsonObject, LedgerEvent } from '../ledger/event.js';
import type { Ledger } from '../ledger/ledger.js';
import { writeParameters, type WrittenParameter } from '../resources/parameter-writes.js';
import { rollBack, type RollbackResult } from '../rollback/rollback.js';
import { bake, readBaselines, type BakeOptions, type BakeOutcome } from './bake.js';
import { checkCutoverAllowed } from './guards.js';
import {
  prepareWriteStrategy,
  type ReplicatedCutover,
  type WriteStrategyOptions,
  type WriteStrategyOutcome,
} from './write-strategy.js';
import { cutoverStartedEvent } from './events.js';
import { cutoverFingerprint } from './fingerprint.js';
import { planChanged } from '../preview/fingerprint.js';
import {
  describeChange,
  maskSecureValues,
  planCutover,
  type CutoverPlan,
  type RefreshSettings,
} from './plan.js';
import { refreshBothGroups } from './refreshes.js';
import { cutoverState, CUTOVER_EVENTS } from './state.js';

export interface CutoverOptions {
  dryRun: boolean;
  parameterRegions: string[];
  refresh: RefreshSettings;
  refreshTimeoutMs: number;
  verificationMaxAgeHours: number;
  autoRollback: boolean;
  bake: Omit<BakeOptions, 'clusters' | 'table' | 'baselines' | 'since'>;
  /** For the rollback's traffic proof and writes-at-risk, when the cutover rolls back by itself. */
  rollback: { trafficTimeoutMs: number; sslMode: SslMode };
  /** The fingerprint of the plan a preview showed and a reviewer approved: any other plan is refused. */
  expectedPlan?: string;
  /** What happens to the writes made while the application moves (write-strategy.ts). */
  writes: Omit<WriteStrategyOptions, 'sslMode'>;
}

export interface CutoverResult {
  cutOver: boolean;
  bake?: BakeOutcome;
  plan?: CutoverPlan;
  /** Why nothing was done: a completed cutover already stands, or a dry run. */
  nothingDone?: string;
  /** The latest event this run recorded. */
  event?: LedgerEvent;
  written: WrittenParameter[];
  rollback?: RollbackResult;
  /** What the write strategy did, when replication ran. */
  writes?: WriteStrategyOutcome;
}

export interface CutoverContext {
  config: MigrationConfig;
  clients: AwsClients;
  ledger: Ledger;
  options: CutoverOptions;
  log(line: string): void;
  mask(secret: string): void;
  /** The command the summary and a refusal give for rolling back by hand. */
  rollbackCommand: string;
}

/**
 * Phase 3 (steps 3.1 to 3.3) as one recorded, gated, reversible step: refused unless v2's health and the
 * parity are recorded as passed and fresh; planned and printed; the replaced values recorded in the
 * ledger before the first write; the parameters written in every Region at once; both groups refreshed
 * and watched; then a bake on CloudWatch's figures. A failed refresh, a failed bake or any error after
 * the first write rolls back by itself when asked to, and otherwise stops with the command that does.
 */
export async function cutOver(ctx: CutoverContext): Promise<CutoverResult> {
  const { config, clients, ledger, options, log } = ctx;
  // Ages are measured on AWS's clock, which the ledger's own calls have just shown the clients (awsNow:
  // the largest offset any client saw, never going back), as the bake and the rollback measure theirs.
  const freshness = () => ({ maxAgeHours: options.verificationMaxAgeHours, now: clients.awsNow() });
  const view = await ledger.read();
  const guard = checkCutoverAllowed(view, freshness());
  if (!guard.ok) {
    if (guard.alreadyCutOver) {
      const state = cutoverState(view);
      const bakeEvent = state.phase === 'cut-over' ? state.bake : undefined;
      const why =
        `${guard.reason}; nothing to do` +
        (bakeEvent ? `; its bake: ${String(bakeEvent.data['verdict'])}` : '');
      log(why);
      return { cutOver: true, nothingDone: why, event: guard.alreadyCutOver, written: [] };
    }
    throw new VerdictError(`Cutover of ${config.environment} refused: ${guard.reason}. Nothing was changed.`);
  }
  log(`Cutover stands on ${describeEvent(guard.basis.health)} and ${describeEvent(guard.basis.parity)}.`);
  // With replication still carrying v1's writes, the strategy decides when it stops; without one, a
  // cutover beside it is refused. Either way the lag gate is checked here, before anything changes.
  const replicated = await prepareWriteStrategy(
    {
      config,
      clients,
      options: { ...options.writes, sslMode: options.rollback.sslMode },
      record: (event) => ledger.append(event),
      log,
      mask: ctx.mask,
    },
    view,
  );

  const plan = await planCutover(config, clients, {
    parameterRegions: options.parameterRegions,
    refresh: options.refresh,
  });
  maskSecureValues(plan, ctx.mask);
  log('Plan:');
  for (const change of plan.changes) log(`  ${describeChange(change)}`);
  for (const fleet of plan.fleets) {
    const regions = [...new Set(Object.values(fleet.reads))].join(', ');
    log(
      `  ${fleet.group} (${fleet.region}) reads the parameters of ${regions}; its instance refresh starts with MinHealthyPercentage ${plan.refresh.minHealthyPercentage}, InstanceWarmup ${plan.refresh.instanceWarmup} s`,
    );
  }
  for (const line of replicated?.lines ?? []) log(`  ${line}`);
  const fingerprint = cutoverFingerprint(plan);
  log(`Plan fingerprint: ${fingerprint.value}`);
  const changed = options.expectedPlan
    ? planChanged('cutover', options.expectedPlan, fingerprint)
    : undefined;
  if (changed) {
    throw new VerdictError(`Cutover of ${config.environment} refused: ${changed}. Nothing was changed.`);
  }
  if (options.dryRun) {
    log('Dry run: nothing was changed.');
    return { cutOver: false, plan, nothingDone: 'dry run: nothing was changed', written: [] };
  }

  const baselines = await readBaselines(clients, config, plan.clusters);
  let started: LedgerEvent;
  try {
    const draft = cutoverStartedEvent(plan, guard.basis, baselines as unknown as JsonObject);
    started = await ledger.append(
      { ...draft, data: { ...draft.data, writeStrategy: replicated?.strategy ?? 'none' } },
      {
        expect: (now) => {
          const again = checkCutoverAllowed(now, freshness());
          return again.ok ? true : again.reason;
        },
      },
    );
  } catch (error) {
    if (error instanceof LedgerRefusal) {
      throw new VerdictError(
        `Cutover of ${config.environment} refused: ${error.reason}. Nothing was changed.`,
      );
    }
    throw error;
  }

  // From here on the parameters may have changed: every failure goes through failAfterWrites.
  let written: WrittenParameter[] = [];
  let baked: { outcome: BakeOutcome; completed: LedgerEvent; verdict: LedgerEvent };
  try {
    await replicated?.beforeSwitch();
    written = await writeParameters(
      (region) => clients.ssm(region),
      plan.changes.map((c) => ({ region: c.region, name: c.name, value: c.after })),
    );
    replicated?.switched();
    await ledger.append({
      type: CUTOVER_EVENTS.parametersWritten,
      data: {
        parameters: written.map((w) => ({ region: w.region, name: w.name, version: w.version ?? null })),
      },
      requestIds: written.flatMap((w) => (w.requestId ? [w.requestId] : [])),
    });
    const refreshes = await refreshBothGroups(
      config,
      clients,
      plan.refresh,
      options.refreshTimeoutMs,
      log,
      async (list, requestIds) => {
        await ledger.append({ type: CUTOVER_EVENTS.refreshStarted, data: { refreshes: list }, requestIds });
      },
    );
    await replicated?.afterRefresh();
    const writes = replicated?.outcome();
    const completed = await ledger.append({
      type: CUTOVER_EVENTS.completed,
      data: {
        refreshes: refreshes.refreshes,
        cutoverStarted: started.sequence,
        ...(writes ? { writes: writes as unknown as JsonObject } : {}),
      },
    });
    const outcome = await bake(
      clients,
      config,
      {
        ...options.bake,
        clusters: plan.clusters,
        table: config.v2.table,
        baselines,
        since: refreshes.finishedAt,
      },
      log,
    );
    const verdict = await ledger.append({
      type: CUTOVER_EVENTS.bake,
      data: { verdict: outcome.verdict, checks: outcome.checks as unknown as JsonObject[] },
    });
    baked = { outcome, completed, verdict };
  } catch (error) {
    return await failAfterWrites(ctx, (error as Error).message, { plan, written, replicated });
  }
  const { outcome, completed, verdict } = baked;
  const writes = replicated ? { writes: replicated.outcome() } : {};
  if (outcome.verdict === 'passed') {
    return { cutOver: true, bake: outcome, plan, event: verdict, written, ...writes };
  }
  if (outcome.verdict === 'failed') {
    return await failAfterWrites(ctx, `the bake failed: ${failingChecks(outcome)}`, {
      plan,
      written,
      bake: outcome,
      replicated,
    });
  }
  // Inconclusive: traffic is on v2 and nothing says it is wrong, but nothing proves it right either.
  throw new CutoverFailed(
    `Cutover of ${config.environment} completed (${describeEvent(completed)}) but its bake is inconclusive: ` +
      `${failingChecks(outcome)}. Traffic stays on v2; check the figures, and roll back with ${ctx.rollbackCommand} if they are wrong.`,
    { cutOver: true, bake: outcome, plan, event: verdict, written, ...writes },
  );
}

/** The cutover failed after its first write: roll back when asked to, else record it and say how to. */
async function failAfterWrites(
  ctx: CutoverContext,
  reason: string,
  done: {
    plan: CutoverPlan;
    written: WrittenParameter[];
    bake?: BakeOutcome;
    replicated?: ReplicatedCutover | undefined;
  },
): Promise<never> {
  const { config, ledger, options, log } = ctx;
  // A pause that failed before the switch gives v1 its writes back at once: the application is still
  // there. After the switch the rollback grants them back from the ledger, by itself or by hand; until
  // then v1 stays read-only, so that nothing still pointed at it can write where nobody reads.
  if (done.written.length === 0) {
    await done.replicated?.undo().catch((error: unknown) => {
      log(
        `Could not give v1 its writes back: ${(error as Error).message}; the rollback grants them from the ledger`,
      );
    });
  }
  const when = done.written.length > 0 ? 'after the parameters changed' : 'before any parameter changed';
  if (!options.autoRollback) {
    const event = await ledger
      .append({ type: CUTOVER_EVENTS.failed, data: { reason } })
      .catch((error: unknown) => {
        log(`Could not record the failure in the ledger: ${(error as Error).message}`);
        return undefined;
      });
    throw new CutoverFailed(
      `Cutover of ${config.environment} failed ${when}: ${reason}. auto-rollback is off, so ` +
        `nothing was undone: roll back with ${ctx.rollbackCommand}`,
      {
        cutOver: done.written.length > 0,
        plan: done.plan,
        written: done.written,
        ...(done.bake ? { bake: done.bake } : {}),
        ...(event ? { event } : {}),
      },
    );
  }
  log(`Cutover failed (${reason}); rolling back, as auto-rollback asks.`);
  let rollback: RollbackResult;
  try {
    rollback = await rollBack({
      config,
      clients: ctx.clients,
      ledger,
      log,
      mask: ctx.mask,
      options: {
        dryRun: false,
        explicit: {},
        inputNames: { endpoint: 'v1-endpoint', secretName: 'v1-secret-name', tableName: 'v1-table-name' },
        refresh: done.plan.refresh,
        refreshTimeoutMs: options.refreshTimeoutMs,
        trafficTimeoutMs: options.rollback.trafficTimeoutMs,
        sslMode: options.rollback.sslMode,
        dmsPollSeconds: options.writes.dmsPollSeconds,
        reason,
      },
    });
  } catch (error) {
    throw new CutoverFailed(
      `Cutover of ${config.environment} failed (${reason}), and so did its automatic rollback: ` +
        `${(error as Error).message}. Run ${ctx.rollbackCommand}; it restores what the ledger recorded and is safe to re-run.`,
      { cutOver: false, plan: done.plan, written: done.written, ...(done.bake ? { bake: done.bake } : {}) },
    );
  }
  throw new CutoverFailed(
    `Cutover of ${config.environment} failed (${reason}) and was rolled back: every parameter restored ` +
      `${rollback.timings.parametersRestoredMs ?? '?'} ms after the rollback started, traffic back on v1 after ` +
      `${rollback.timings.trafficConfirmedMs ?? '?'} ms`,
    {
      cutOver: false,
      plan: done.plan,
      written: done.written,
      rollback,
      ...(done.bake ? { bake: done.bake } : {}),
      ...(rollback.event ? { event: rollback.event } : {}),
    },
  );
}

/** The step fails after acting (an inconclusive bake, a failure rolled back or not): the result says where it stands. */
export class CutoverFailed extends VerdictError {
  readonly result: CutoverResult;
  constructor(message: string, result: CutoverResult) {
    super(message);
    this.name = 'CutoverFailed';
    this.result = result;
  }
}

function failingChecks(outcome: BakeOutcome): string {
  return outcome.checks
    .filter((c) => c.status !== 'pass')
    .map((c) => `${c.id} ${c.status}: ${c.detail}`)
    .join('; ');
}
