import type pg from 'pg';
import type { AwsClients } from '../aws/clients.js';
import type { MigrationConfig } from '../config/types.js';
import { withPostgres } from '../data/postgres/connection.js';
import type { SslMode } from '../data/ssl-mode.js';
import { VerdictError } from '../errors/index.js';
import type { CutoverState } from '../cutover/state.js';
import { WRITE_EVENTS } from '../cutover/write-strategy.js';
import type { JsonObject, LedgerEventDraft } from '../ledger/event.js';
import type { LedgerView } from '../ledger/view.js';
import {
  dropSlotAndPublication,
  dropSubscription,
  replicationNames,
  resumeWrites,
  type RevokedPrivilege,
} from '../replication/postgres/index.js';
import { dmsRunOf, findTaskByArn, removeDmsObjects, type DmsRun } from '../replication/dms/index.js';
import { dropSlot } from '../replication/postgres/index.js';
import { describeLeftovers, readLeftovers, stopStatements } from '../replication/leftovers.js';
import { dmsStopCommands, REPLICATION_EVENTS, replicationInLedger } from '../replication/running.js';
import { resolveDatabaseEndpoint } from '../resources/database-endpoint.js';

/*
 * What a rollback must undo of the write strategy, besides the parameters: a `pause` that took v1's write
 * privileges gives them back (else the application returns to a v1 that refuses every write), and a
 * replication the failed cutover had not stopped yet is stopped (its slot would otherwise fill v1's
 * storage, and v1's writes would keep landing on a v2 nobody reads); a DMS task is stopped and deleted
 * with its endpoints and its slot. A slot, subscription, publication or DMS task still there although
 * the ledger says replication stopped is nobody's: refused, named, with the statements that remove it,
 * before anything changes.
 */

export interface RollbackReplicationContext {
  config: MigrationConfig;
  clients: AwsClients;
  sslMode: SslMode;
  mask(secret: string): void;
  log(line: string): void;
  /** The first delay of the DMS waiters, in seconds. */
  dmsPollSeconds?: number;
}

export interface RollbackReplicationPlan {
  lines: string[];
  /** Carries the plan out; each step recorded through `record`. */
  apply(record: (event: LedgerEventDraft) => Promise<unknown>): Promise<void>;
}

export async function planRollbackReplication(
  ctx: RollbackReplicationContext,
  view: LedgerView,
  state: CutoverState,
): Promise<RollbackReplicationPlan | undefined> {
  const revoked = state.phase === 'cut-over' ? pausedWrites(view, state.started) : [];
  const everReplicated = view.latest([REPLICATION_EVENTS.slotCreated, REPLICATION_EVENTS.started]);
  const dms = await dmsLeftBehind(ctx, view);
  if (revoked.length === 0 && !everReplicated && !dms) return undefined;
  const names = replicationNames(ctx.config.environment);
  const endpoint = (side: 'v1' | 'v2') => resolveDatabaseEndpoint({ ...ctx, side });
  const v1 = await endpoint('v1');
  const objects = everReplicated
    ? describeLeftovers(await readLeftovers(ctx, 'rollback replication check'))
    : [];
  const running = replicationInLedger(view);
  const stopIt = objects.length > 0 && running !== undefined && state.phase === 'cut-over';
  const stopDms = dms !== undefined && running !== undefined && state.phase === 'cut-over';
  if (objects.length > 0 && !running) {
    throw new VerdictError(
      `Rollback refused: replication is recorded as stopped, yet ${objects.join(', ')} remain. A slot left on v1 ` +
        `keeps its WAL and fills the storage. Drop them (${stopStatements(names).join(' ')}), then run the ` +
        'rollback again. Nothing was changed.',
    );
  }
  if (dms && !running) {
    throw new VerdictError(
      `Rollback refused: replication is recorded as stopped, yet the DMS task ${dms.run.task} (${dms.status}) remains; ` +
        `it holds a slot on v1 that keeps its WAL and fills the storage. Remove it (${dmsStopCommands(dms.run).join(' ')}), ` +
        'then run the rollback again. Nothing was changed.',
    );
  }
  const lines = [
    ...(revoked.length > 0
      ? [
          `v1's write privileges the pause revoked granted back: ${revoked.map((r) => `${r.privileges.join(', ')} on ${r.schema}.${r.table} to ${r.role}`).join('; ')}`,
        ]
      : []),
    ...(stopIt
      ? [`replication stopped: ${objects.join(', ')} dropped (v2 is left behind, nothing more reaches it)`]
      : []),
    ...(stopDms
      ? [
          `replication stopped: the DMS task ${dms.run.task} (${dms.status}) stopped and deleted with its endpoints${dms.run.slot ? `, its slot ${dms.run.slot} dropped on v1` : ''} (v2 is left behind, nothing more reaches it)`,
        ]
      : []),
  ];
  if (lines.length === 0) return undefined;
  return {
    lines,
    async apply(record) {
      if (revoked.length > 0) {
        await withPostgres(v1, (c) => resumeWrites(c, revoked), 'rollback resume writes');
        await record({
          type: WRITE_EVENTS.writesResumed,
          data: { revoked: revoked as unknown as JsonObject[] },
        });
        ctx.log(
          "v1 takes the application's writes again: the privileges the pause revoked are granted back.",
        );
      }
      if (stopIt) {
        await stopReplication(ctx, v1, names);
        await record({
          type: REPLICATION_EVENTS.stopped,
          data: { reason: 'rollback', slot: names.slot, subscription: names.subscription },
        });
        ctx.log(
          `Replication stopped: subscription ${names.subscription}, slot ${names.slot} and publication dropped.`,
        );
      }
      if (stopDms) {
        await stopDmsRun(ctx, v1, dms.run);
        await record({
          type: REPLICATION_EVENTS.stopped,
          data: {
            reason: 'rollback',
            mode: 'dms',
            task: dms.run.task,
            taskArn: dms.run.taskArn,
            ...(dms.run.slot ? { slot: dms.run.slot } : {}),
          },
        });
      }
    },
  };
}

/** The DMS task of the ledger's latest DMS run, when it is still on the replication instance. */
async function dmsLeftBehind(
  ctx: RollbackReplicationContext,
  view: LedgerView,
): Promise<{ run: DmsRun; status: string } | undefined> {
  const event = view.events
    .filter(
      (e) =>
        e.type === REPLICATION_EVENTS.dmsObjectsCreated ||
        (e.type === REPLICATION_EVENTS.started && e.data['mode'] === 'dms'),
    )
    .at(-1);
  const run = event ? dmsRunOf(event) : undefined;
  if (!run) return undefined;
  const task = await findTaskByArn(ctx.clients.dms(ctx.config.regions.primary), run.taskArn).catch(
    (error: unknown) => {
      if ((error as Error).name === 'ResourceNotFoundFault') return undefined;
      throw error;
    },
  );
  return task ? { run, status: task.Status ?? 'unknown' } : undefined;
}

/** Stops and deletes the task and its endpoints, then drops the slot if DMS left it. */
async function stopDmsRun(
  ctx: RollbackReplicationContext,
  v1: Parameters<typeof withPostgres>[0],
  run: DmsRun,
): Promise<void> {
  await removeDmsObjects(
    ctx.clients.dms(ctx.config.regions.primary),
    { taskArn: run.taskArn, endpointArns: run.endpointArns },
    { minDelaySeconds: ctx.dmsPollSeconds ?? 15, log: ctx.log },
  );
  const slot = run.slot;
  if (slot && (await withPostgres(v1, (c) => dropSlot(c, slot), 'rollback stop replication'))) {
    ctx.log(`Slot ${slot} the DMS task left on v1 dropped.`);
  }
}

/** The privileges a pause of this cutover revoked and no later event gave back. */
function pausedWrites(view: LedgerView, started: { sequence: number }): RevokedPrivilege[] {
  const events = view.events.filter((e) => e.sequence > started.sequence);
  const paused = events.filter((e) => e.type === WRITE_EVENTS.writesPaused).at(-1);
  if (!paused) return [];
  if (events.some((e) => e.type === WRITE_EVENTS.writesResumed && e.sequence > paused.sequence)) return [];
  return (paused.data['revoked'] as unknown as RevokedPrivilege[] | undefined) ?? [];
}

/**
 * Drops the subscription when v2 answers, then the slot: a walsender still streaming to an unreachable v2
 * is ended first, so that the slot can go.
 */
async function stopReplication(
  ctx: RollbackReplicationContext,
  v1: Parameters<typeof withPostgres>[0],
  names: ReturnType<typeof replicationNames>,
): Promise<void> {
  const v2 = await resolveDatabaseEndpoint({ ...ctx, side: 'v2' });
  await withPostgres(v2, (c) => dropSubscription(c, names), 'rollback stop replication').catch(
    (error: unknown) => {
      ctx.log(
        `Could not drop the subscription ${names.subscription} on v2 (${(error as Error).message}); ` +
          'its slot on v1 is dropped anyway, and the subscription only logs errors until it is dropped by hand',
      );
    },
  );
  await withPostgres(
    v1,
    async (c: pg.Client) => {
      await c.query(
        `SELECT pg_catalog.pg_terminate_backend(active_pid) FROM pg_catalog.pg_replication_slots
          WHERE slot_name = $1 AND active_pid IS NOT NULL`,
        [names.slot],
      );
      await dropSlotAndPublication(c, names);
    },
    'rollback stop replication',
  );
}
