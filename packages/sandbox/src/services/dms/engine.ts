import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { FleetSamples } from '../../fleet/samples.js';
import type { RequestContext } from '../../protocols/types.js';
import type { DmsReplicationTask, DmsTableStatistics } from '../../world/types.js';
import type { World } from '../../world/world.js';
import { missingOnTarget, selectedTables, type SourceTable } from './catalog.js';
import {
  createPublications,
  createSlot,
  createSubscription,
  dropReplicationObjects,
  setSubscriptionEnabled,
  type SnapshotSlot,
} from './cdc.js';
import { connectTo, endpointCredentials, type EndpointCredentials } from './credentials.js';
import { loadTable, truncateTargets } from './load.js';
import { parseTableMappings, parseTaskSettings } from './mappings.js';
import { recordCdcLatency } from './metrics.js';
import type { DatabaseServerRegistry } from './servers.js';
import { applyCounters, targetCounters } from './statistics.js';
import { validateTable } from './validation.js';

export type StartType = 'start-replication' | 'resume-processing' | 'reload-target';

/** A task stays `starting` at least this long, so that a waiter's first poll sees it (not `ready`). */
const STARTING_MS = 300;
/** CDC statistics and latency metrics are sampled this often, as DMS publishes its metrics. */
const TICK_MS = 1000;

export const STOP_NORMAL = 'Stop Reason NORMAL';
export const STOP_FATAL = 'Stop Reason FATAL_ERROR';
export const STOP_FULL_LOAD_FINISHED = 'Stop Reason FULL_LOAD_ONLY_FINISHED';
/** StopTaskCachedChangesNotApplied: the full load is done and the changes cached meanwhile wait. */
export const STOP_AFTER_FULL_LOAD = 'Stop Reason STOPPED_AFTER_FULL_LOAD';

/** A run was ended by a stop, a failure, a delete or a world reset: its steps stop at the next check. */
class Cancelled extends Error {}

/** The background work of one started task. */
interface TaskRun {
  task: DmsReplicationTask;
  cancelled: boolean;
  done: Promise<void>;
  tick?: NodeJS.Timeout;
  ticking: boolean;
  /** Connections open for the run, ended when it is cancelled (a COPY in flight fails at once). */
  clients: Set<pg.Client>;
  source: EndpointCredentials;
  target: EndpointCredentials;
  instanceIdentifier: string;
}

/**
 * DMS's replication engine over the lab's PostgreSQL servers: full load in a slot's exported snapshot,
 * validation, CDC by a native subscription attached to that slot, and CDC latency metrics. Its
 * background work (timers, replication connections) ends with `reset()` and `close()`.
 */
export class DmsEngine {
  private readonly runs = new Map<DmsReplicationTask, TaskRun>();
  /** Credentials each task last ran with: a delete needs them to drop what the task made. */
  private readonly credentials = new WeakMap<
    DmsReplicationTask,
    { source: EndpointCredentials; target: EndpointCredentials }
  >();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly samples: FleetSamples;

  constructor(
    private readonly world: World,
    private readonly now: () => Date,
    readonly servers: DatabaseServerRegistry,
  ) {
    this.samples = new FleetSamples(world);
  }

  /** Background work the engine must wait for before it closes. */
  track(work: Promise<unknown>): void {
    const settled = work.catch(() => undefined).finally(() => this.pending.delete(settled));
    this.pending.add(settled);
  }

  /** StartReplicationTask's background part: `starting`, then the run. */
  start(ctx: RequestContext, task: DmsReplicationTask, type: StartType): void {
    const dms = ctx.world.region(ctx.region).dms;
    const source = dms.endpoints.get(task.sourceEndpointArn);
    const target = dms.endpoints.get(task.targetEndpointArn);
    const instance = dms.replicationInstances.get(task.replicationInstanceArn);
    // Whether the last run stopped after its full load, with the changes cached since waiting in the slot.
    const afterFullLoad = task.stopReason === STOP_AFTER_FULL_LOAD;
    task.status = 'starting';
    task.stopReason = undefined;
    task.lastFailureMessage = undefined;
    task.startedAt ??= this.now();
    task.runStartedAt = this.now();
    task.stoppedAt = undefined;
    let credentials: { source: EndpointCredentials; target: EndpointCredentials } | undefined;
    let refusal: string | undefined;
    try {
      if (!source || !target) throw new Error('an endpoint of the task no longer exists');
      credentials = { source: endpointCredentials(ctx, source), target: endpointCredentials(ctx, target) };
      this.credentials.set(task, credentials);
    } catch (error) {
      refusal = (error as Error).message;
    }
    const run: TaskRun = {
      task,
      cancelled: false,
      done: Promise.resolve(),
      ticking: false,
      clients: new Set(),
      source: credentials?.source ?? ({} as EndpointCredentials),
      target: credentials?.target ?? ({} as EndpointCredentials),
      instanceIdentifier: instance?.identifier ?? '',
    };
    this.runs.set(task, run);
    run.done = this.execute(run, type, refusal, afterFullLoad);
    this.track(run.done);
  }

  private async execute(
    run: TaskRun,
    type: StartType,
    refusal: string | undefined,
    afterFullLoad: boolean,
  ): Promise<void> {
    const { task } = run;
    try {
      await this.pause(run, STARTING_MS);
      if (refusal) throw new Error(refusal);
      if (type === 'resume-processing' && task.replication?.subscriptionName) {
        await setSubscriptionEnabled(this.servers, run.target, task.replication.subscriptionName, true);
        this.check(run);
        task.status = 'running';
        this.startTicks(run);
        return;
      }
      if (type === 'resume-processing' && task.replication && afterFullLoad) {
        // Stopped after its full load: the slot has kept every change since; CDC starts from there.
        await this.resumeAfterFullLoad(run);
        return;
      }
      if (task.replication) {
        // reload-target, or a resume before CDC began: start afresh, as DMS recreates a PostgreSQL task's slot.
        await dropReplicationObjects(this.servers, run.source, run.target, task.replication);
        task.replication = undefined;
      }
      await this.fullRun(run);
    } catch (error) {
      if (error instanceof Cancelled || run.cancelled) return;
      this.endRun(
        run,
        'failed',
        STOP_FATAL,
        `Last Error ${(error as Error).message} Stop Reason FATAL_ERROR Error Level FATAL`,
      );
    }
  }

  private async fullRun(run: TaskRun): Promise<void> {
    const { task } = run;
    const selection = parseTableMappings(task.tableMappings);
    const settings = parseTaskSettings(task.settings);
    const withLoad = task.migrationType !== 'cdc';
    const withCdc = task.migrationType !== 'full-load';
    const sourceClient = await this.open(run, run.source);
    const tables = await selectedTables(sourceClient, selection);
    task.tables = tables.map((t) => initialStatistics(t, settings.enableValidation && withLoad));
    const stats = new Map(tables.map((t, i) => [t.qualified, task.tables[i]!]));
    const sourceEndpoint = this.world.region(task.region).dms.endpoints.get(task.sourceEndpointArn);
    const slotName = sourceEndpoint?.slotName ?? slotNameFor(task.identifier);
    let slot: SnapshotSlot | undefined;
    if (withCdc) {
      // The publications first: pgoutput reads them in the catalog as it was at each change it decodes,
      // so a publication created after the slot "does not exist" for every change made before it, and
      // the apply would fail on the first write v1 made during the load (pgcopydb, too, creates its
      // publication before its slot: replication.md §2).
      task.replication = { slotName, publications: [] };
      task.replication.publications = await createPublications(run.source, slotName, tables);
      this.check(run);
      slot = await createSlot(run.source, slotName, withLoad);
      run.clients.add(slot.walsender);
    }
    this.check(run);
    task.status = 'running';
    if (withLoad) await this.fullLoad(run, tables, stats, sourceClient, slot?.snapshot, settings);
    if (slot) await this.closeClient(run, slot.walsender);
    await this.closeClient(run, sourceClient);
    if (!withCdc) {
      this.endRun(run, 'stopped', STOP_FULL_LOAD_FINISHED);
      return;
    }
    if (withLoad && settings.stopBeforeCachedChanges) {
      // The slot stays: what v1 writes from now on waits in it until the task is resumed.
      this.endRun(run, 'stopped', STOP_AFTER_FULL_LOAD);
      return;
    }
    await this.startCdc(run, tables, stats);
  }

  /** resume-processing of a task stopped after its full load: CDC from the slot the load began at. */
  private async resumeAfterFullLoad(run: TaskRun): Promise<void> {
    const { task } = run;
    const sourceClient = await this.open(run, run.source);
    const tables = await selectedTables(sourceClient, parseTableMappings(task.tableMappings));
    await this.closeClient(run, sourceClient);
    const stats = new Map(
      tables.map((t) => [
        t.qualified,
        task.tables.find((s) => s.schemaName === t.schema && s.tableName === t.name)!,
      ]),
    );
    task.status = 'running';
    await this.startCdc(run, tables, stats);
  }

  private async fullLoad(
    run: TaskRun,
    tables: SourceTable[],
    stats: Map<string, DmsTableStatistics>,
    source: pg.Client,
    snapshot: string | undefined,
    settings: ReturnType<typeof parseTaskSettings>,
  ): Promise<void> {
    const { task } = run;
    task.fullLoadStartedAt = this.now();
    const target = await this.open(run, run.target);
    const missing = await missingOnTarget(target, tables);
    if (missing.length > 0) {
      for (const table of missing) stats.get(table.qualified)!.state = 'Table error';
      const names = missing.map((t) => `'${t.schema}'.'${t.name}'`).join(', ');
      throw new Error(
        `Table ${names} does not exist on the target endpoint (TargetTablePrepMode ${settings.targetTablePrepMode}): failed to load it.`,
      );
    }
    if (settings.targetTablePrepMode === 'TRUNCATE_BEFORE_LOAD') await truncateTargets(target, tables);
    const before = await targetCounters(run.target, task.tables);
    // Every table is read in the slot's snapshot: what the load copies and what CDC then streams meet exactly.
    await source.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    if (snapshot) await source.query(`SET TRANSACTION SNAPSHOT '${snapshot}'`);
    for (const table of tables) {
      this.check(run);
      const stat = stats.get(table.qualified)!;
      stat.state = 'Full load';
      stat.fullLoadStartTime = this.now();
      try {
        stat.fullLoadRows = await loadTable(table, source, target);
      } catch (error) {
        this.check(run);
        stat.state = 'Table error';
        throw new Error(
          `Failed to load table '${table.schema}'.'${table.name}': ${(error as Error).message}`,
        );
      }
      const counted = before.get(`${table.schema}.${table.name}`) ?? { inserts: 0, updates: 0, deletes: 0 };
      stat.cdcBaseline = { ...counted, inserts: counted.inserts + stat.fullLoadRows };
      stat.fullLoadEndTime = this.now();
      stat.lastUpdateTime = stat.fullLoadEndTime;
      stat.state = 'Table completed';
    }
    task.fullLoadFinishedAt = this.now();
    if (settings.enableValidation) {
      for (const table of tables) {
        this.check(run);
        const stat = stats.get(table.qualified)!;
        if (table.primaryKey.length === 0) {
          stat.validationState = 'No primary key';
          continue;
        }
        const broken = this.world
          .region(task.region)
          .dms.mismatchedTables.has(`${table.schema}.${table.name}`);
        const failed = Math.max(broken ? 1 : 0, await validateTable(table, source, target));
        stat.validationPendingRecords = 0;
        stat.validationFailedRecords = failed;
        stat.validationState = failed === 0 ? 'Validated' : 'Mismatched records';
      }
    }
    await source.query('COMMIT');
    await this.closeClient(run, target);
  }

  private async startCdc(
    run: TaskRun,
    tables: SourceTable[],
    stats: Map<string, DmsTableStatistics>,
  ): Promise<void> {
    const { task } = run;
    const objects = task.replication!;
    this.check(run);
    if (objects.publications.length === 0) {
      objects.publications = await createPublications(run.source, objects.slotName, tables);
      this.check(run);
    }
    if (task.migrationType === 'cdc') {
      const counters = await targetCounters(run.target, task.tables);
      for (const table of tables) {
        stats.get(table.qualified)!.cdcBaseline = counters.get(`${table.schema}.${table.name}`) ?? {
          inserts: 0,
          updates: 0,
          deletes: 0,
        };
      }
    }
    const subscription = objects.slotName;
    await createSubscription(this.servers, run.source, run.target, objects, subscription);
    objects.subscriptionName = subscription;
    this.check(run);
    this.startTicks(run);
  }

  /** Every second while CDC runs: statistics from the target's counters, latency from the source. */
  private startTicks(run: TaskRun): void {
    run.tick = setInterval(() => {
      if (run.ticking || run.cancelled) return;
      if (this.world.region(run.task.region).dms.tasks.get(run.task.arn) !== run.task) {
        // The world was cleared under the task (a scenario load): its run goes with it.
        this.cancel(run);
        return;
      }
      run.ticking = true;
      const at = this.now();
      const work = (async () => {
        const subscription = run.task.replication?.subscriptionName;
        if (subscription) {
          await recordCdcLatency(
            this.samples,
            run.task,
            run.instanceIdentifier,
            run.source,
            subscription,
            at,
          );
        }
        if (run.cancelled) return;
        applyCounters(run.task.tables, await targetCounters(run.target, run.task.tables), at);
      })()
        .catch(() => undefined)
        .finally(() => (run.ticking = false));
      this.track(work);
    }, TICK_MS);
  }

  /** StopReplicationTask: `stopping`, the run ended (CDC's subscription disabled), then `stopped`. */
  stop(task: DmsReplicationTask): void {
    task.status = 'stopping';
    this.track(this.halt(task, 'stopped', STOP_NORMAL));
  }

  /** Makes a running task fail as DMS does on a fatal error; its CDC stops. */
  async fail(task: DmsReplicationTask, message: string): Promise<void> {
    await this.halt(task, 'failed', STOP_FATAL, message);
  }

  private async halt(
    task: DmsReplicationTask,
    status: string,
    reason: string,
    message?: string,
  ): Promise<void> {
    const run = this.runs.get(task);
    const credentials = this.credentials.get(task);
    if (run) {
      this.cancel(run);
      await run.done;
    }
    const subscription = task.replication?.subscriptionName;
    if (subscription && credentials) {
      await setSubscriptionEnabled(this.servers, credentials.target, subscription, false).catch(
        () => undefined,
      );
    }
    task.status = status;
    task.stopReason = reason;
    task.lastFailureMessage = message;
    task.stoppedAt = this.now();
  }

  /** DeleteReplicationTask: `deleting` until the subscription, publications and slot are gone, then removed. */
  delete(task: DmsReplicationTask, remove: () => void): void {
    task.status = 'deleting';
    this.track(
      (async () => {
        const run = this.runs.get(task);
        if (run) {
          this.cancel(run);
          await run.done;
        }
        const credentials = this.credentials.get(task);
        if (task.replication && credentials) {
          await dropReplicationObjects(
            this.servers,
            credentials.source,
            credentials.target,
            task.replication,
          ).catch((error: unknown) =>
            console.error(
              `sandbox DMS: could not remove task ${task.identifier}'s replication: ${String(error)}`,
            ),
          );
        }
        remove();
      })(),
    );
  }

  /** Ends every run and waits for the background work: a scenario is about to be loaded. */
  async reset(): Promise<void> {
    for (const run of this.runs.values()) this.cancel(run);
    this.runs.clear();
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    this.samples.clear();
  }

  close(): Promise<void> {
    return this.reset();
  }

  private endRun(run: TaskRun, status: string, reason: string, message?: string): void {
    if (run.tick) clearInterval(run.tick);
    run.tick = undefined;
    for (const client of run.clients) void client.end().catch(() => undefined);
    run.clients.clear();
    run.task.status = status;
    run.task.stopReason = reason;
    run.task.lastFailureMessage = message;
    run.task.stoppedAt = this.now();
  }

  private cancel(run: TaskRun): void {
    run.cancelled = true;
    if (run.tick) clearInterval(run.tick);
    run.tick = undefined;
    for (const client of run.clients) void client.end().catch(() => undefined);
    run.clients.clear();
    if (this.runs.get(run.task) === run) this.runs.delete(run.task);
  }

  private check(run: TaskRun): void {
    if (run.cancelled) throw new Cancelled();
  }

  private async pause(run: TaskRun, ms: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    this.check(run);
  }

  private async open(run: TaskRun, credentials: EndpointCredentials): Promise<pg.Client> {
    const client = await connectTo(credentials);
    if (run.cancelled) {
      await client.end().catch(() => undefined);
      throw new Cancelled();
    }
    run.clients.add(client);
    return client;
  }

  private async closeClient(run: TaskRun, client: pg.Client): Promise<void> {
    run.clients.delete(client);
    await client.end().catch(() => undefined);
  }
}

function initialStatistics(table: SourceTable, validation: boolean): DmsTableStatistics {
  return {
    schemaName: table.schema,
    tableName: table.name,
    state: 'Before load',
    fullLoadRows: 0,
    fullLoadErrorRows: 0,
    inserts: 0,
    updates: 0,
    deletes: 0,
    ddls: 0,
    validationState: validation ? 'Pending records' : 'Not enabled',
    validationPendingRecords: 0,
    validationFailedRecords: 0,
  };
}

/** A slot name PostgreSQL accepts (lower-case letters, digits, `_`; at most 63), unique per run. */
function slotNameFor(identifier: string): string {
  const base = identifier
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 40);
  return `dms_${base}_${randomBytes(4).toString('hex')}`;
}
