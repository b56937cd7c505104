import { setTimeout as sleep } from 'node:timers/promises';
import type { AutoScalingGroup } from '../world/types.js';
import type { World } from '../world/world.js';
import { writeAppLog } from './app-log.js';
import { FleetInstance } from './instance.js';
import { finishCancel, runRefresh, type RefreshHost } from './refresh.js';
import { activeRefreshOf } from './refresh-status.js';
import { FleetSamples } from './samples.js';
import type { AcknowledgedWrite } from './acknowledged-writes.js';
import type { AcknowledgedSessionWrite } from './acknowledged-sessions.js';
import { SessionLoad, type SessionLoadStats } from './session-load.js';
import { WriteLoad, type WriteLoadOptions, type WriteLoadStats } from './write-load.js';

export interface FleetOptions {
  /** How often the application logs, samples its metrics and advances refreshes; default 1000 ms. */
  tickMs?: number;
  /**
   * The sandbox's URL, read when the session load writes (the server listens after the fleet is made).
   * Without it, or while it is empty, the write load writes to PostgreSQL only.
   */
  endpoint?: () => string;
}

const DEFAULT_TICK_MS = 1000;
const ZONES = ['a', 'b', 'c'];

/**
 * The application fleet behind the world's Auto Scaling groups. Every group runs `desiredCapacity`
 * instances ({@link FleetInstance}), each holding real connections to the database its parameters
 * named when it started. Each tick (about a second) every instance logs to its group's log group, the
 * fleet samples DatabaseConnections and consumed DynamoDB capacity, launches instances a group lacks,
 * and moves instance refreshes along (refresh.ts), which is how a changed parameter reaches the
 * application. Owned by the Sandbox: started with it, stopped before its services close.
 */
export class Fleet {
  private readonly live = new Map<string, FleetInstance>();
  private readonly samples: FleetSamples;
  private readonly refreshes = new Map<string, Promise<void>>();
  private readonly launches = new Set<Promise<unknown>>();
  private readonly writeLoad = new WriteLoad(() => this.live.values());
  private readonly sessionLoad: SessionLoad;
  private readonly tickMs: number;
  private timer: NodeJS.Timeout | undefined;
  private abort = new AbortController();
  /** Set while reset() or stop() terminates everything: ticks then do nothing. */
  private quiet = false;

  constructor(
    private readonly world: World,
    private readonly now: () => Date,
    options: FleetOptions = {},
  ) {
    this.samples = new FleetSamples(world);
    this.tickMs = options.tickMs ?? DEFAULT_TICK_MS;
    const endpoint = options.endpoint ?? (() => '');
    this.sessionLoad = new SessionLoad(() => this.live.values(), endpoint);
  }

  start(): void {
    if (this.timer) return;
    this.quiet = false;
    this.timer = setInterval(() => this.tick(), this.tickMs);
    // The fleet never keeps a process alive on its own.
    this.timer.unref();
  }

  /** Stops ticking, abandons refreshes in progress and terminates every instance. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all([this.writeLoad.stop(), this.sessionLoad.close()]);
    await this.terminateAll();
  }

  /**
   * Terminates every instance and forgets the measured metrics, for a scenario about to be loaded into
   * a cleared world. The ticker keeps running: the next scenario's groups get their instances.
   */
  async reset(): Promise<void> {
    await this.stopWriteLoad();
    this.writeLoad.clear();
    this.sessionLoad.clear();
    await this.terminateAll();
    this.samples.clear();
    this.quiet = false;
  }

  /**
   * Launches the instances every group lacks and resolves once every instance has connected (or
   * failed to), with a first sample of the metrics taken: when a scenario is ready, the application
   * is already connected to what the parameters name.
   */
  async settle(): Promise<void> {
    for (const group of this.groups()) this.launchMissing(group);
    await Promise.all([...this.launches]);
    await Promise.all([...this.live.values()].map((instance) => instance.connecting));
    this.sample(this.now());
  }

  /** Live (connected) application connections per cluster identifier. */
  connections(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const instance of this.live.values()) {
      const cluster = instance.cluster?.identifier;
      if (cluster && instance.connected > 0)
        counts.set(cluster, (counts.get(cluster) ?? 0) + instance.connected);
    }
    return counts;
  }

  /**
   * Every serving instance writes to its database (write-load.ts) and to the DynamoDB table its
   * parameters name (session-load.ts), each at `writesPerSecond`, and joins as it comes into service;
   * called again, changes the rate. The logs and counts are kept until reset().
   */
  startWriteLoad(options: WriteLoadOptions): void {
    // WriteLoad checks the rate: a refused one starts neither load.
    this.writeLoad.start(options);
    this.sessionLoad.start(options);
  }

  /** Starts no more writes; resolves once the writes in flight, of both loads, are logged or counted. */
  async stopWriteLoad(): Promise<void> {
    await Promise.all([this.writeLoad.stop(), this.sessionLoad.stop()]);
  }

  /** A copy of the log: every row of every transaction whose COMMIT returned, in that order. */
  acknowledgedWrites(): AcknowledgedWrite[] {
    return this.writeLoad.acknowledgedWrites();
  }

  writeLoadStats(): WriteLoadStats {
    return this.writeLoad.currentStats();
  }

  /** A copy of the session log: every DynamoDB write whose call returned 200, in that order. */
  acknowledgedSessionWrites(): AcknowledgedSessionWrite[] {
    return this.sessionLoad.acknowledgedWrites();
  }

  sessionLoadStats(): SessionLoadStats {
    return this.sessionLoad.currentStats();
  }

  /** The running instances of a group (tests look at what each one read). */
  instancesOf(group: AutoScalingGroup): FleetInstance[] {
    return [...this.live.values()].filter((i) => i.group === group && isRunning(i));
  }

  private tick(): void {
    if (this.quiet) return;
    const now = this.now();
    this.terminateOrphans();
    for (const group of this.groups()) {
      this.advanceRefresh(group);
      if (!activeRefreshOf(group.refreshes)) this.launchMissing(group);
    }
    for (const instance of this.live.values()) {
      instance.retryIfDue();
      if (instance.view.lifecycleState === 'InService') {
        writeAppLog(this.world, instance.group, instance.id, instance.logLines(), now);
      }
    }
    this.sample(now);
  }

  private advanceRefresh(group: AutoScalingGroup): void {
    const refresh = activeRefreshOf(group.refreshes);
    if (!refresh) return;
    if (refresh.status === 'Cancelling') {
      finishCancel({ now: this.now }, refresh);
      return;
    }
    if (refresh.status !== 'Pending' || this.refreshes.has(refresh.id)) return;
    const run = runRefresh(this.host(), group, refresh)
      .catch((error: unknown) => {
        // Aborted by stop() or reset(): the world it belonged to is going away.
        if (!this.abort.signal.aborted) console.error('sandbox fleet: refresh failed', error);
      })
      .finally(() => this.refreshes.delete(refresh.id));
    this.refreshes.set(refresh.id, run);
  }

  private host(): RefreshHost {
    const signal = this.abort.signal;
    return {
      instancesOf: (group) => this.instancesOf(group),
      launch: (group) => this.launch(group),
      terminate: (instance) => this.terminate(instance),
      sleep: (ms) => sleep(ms, undefined, { signal, ref: false }),
      now: () => this.now(),
      batchMs: () => this.world.refreshTimings.batchMs,
    };
  }

  /** Launches what a group lacks of its desired capacity; instances still starting count as there. */
  private launchMissing(group: AutoScalingGroup): void {
    const missing = group.desiredCapacity - this.instancesOf(group).length;
    for (let i = 0; i < missing; i++) {
      // A bug here must be loud, never an unhandled rejection that stops the process.
      const launch = this.launch(group).catch((error: unknown) =>
        console.error('sandbox fleet: launch failed', error),
      );
      this.launches.add(launch);
      void launch.finally(() => this.launches.delete(launch));
    }
  }

  private async launch(group: AutoScalingGroup): Promise<FleetInstance> {
    const zone = `${group.region}${ZONES[group.instances.length % ZONES.length]}`;
    const instance = new FleetInstance(this.world, group, this.now(), zone);
    this.live.set(instance.id, instance);
    group.instances.push(instance.view);
    await instance.connect();
    return instance;
  }

  private async terminate(instance: FleetInstance): Promise<void> {
    await Promise.all([this.writeLoad.release(instance), this.sessionLoad.release(instance)]);
    await instance.terminate();
    this.live.delete(instance.id);
    const views = instance.group.instances;
    const index = views.indexOf(instance.view);
    if (index >= 0) views.splice(index, 1);
  }

  private async terminateAll(): Promise<void> {
    this.quiet = true;
    this.abort.abort();
    await Promise.all([...this.refreshes.values()]);
    await Promise.all([...this.launches].map((launch) => launch.catch(() => undefined)));
    await Promise.all([...this.live.values()].map((instance) => this.terminate(instance)));
    this.abort = new AbortController();
  }

  /** Instances whose group left the world (a cleared world, a group replaced): nobody runs them any more. */
  private terminateOrphans(): void {
    for (const instance of this.live.values()) {
      const { group } = instance;
      const current = this.world.regionNames().includes(group.region)
        ? this.world.region(group.region).autoScalingGroups.get(group.name)
        : undefined;
      if (current !== group && isRunning(instance)) void this.terminate(instance);
    }
  }

  private groups(): AutoScalingGroup[] {
    return this.world
      .regionNames()
      .flatMap((name) => [...this.world.region(name).autoScalingGroups.values()]);
  }

  /**
   * DatabaseConnections for every cluster of the world (0 for one no instance connects to, so that a
   * cluster without traffic reads 0, not missing), and the capacity each serving instance consumes on
   * the table its parameter names, in its group's Region: one read and one write unit a tick.
   */
  private sample(at: Date): void {
    const connections = this.connections();
    const consumed = new Map<string, Map<string, number>>();
    for (const region of this.world.regionNames()) {
      const state = this.world.region(region);
      for (const cluster of state.clusters.values()) {
        this.samples.record(
          region,
          'AWS/RDS',
          'DatabaseConnections',
          { DBClusterIdentifier: cluster.identifier },
          connections.get(cluster.identifier) ?? 0,
          at,
        );
      }
      consumed.set(region, new Map([...state.tables.keys()].map((table) => [table, 0])));
    }
    for (const instance of this.live.values()) {
      const table = instance.settings.table;
      const tables = consumed.get(instance.group.region);
      if (!table || !tables || !isRunning(instance)) continue;
      tables.set(table, (tables.get(table) ?? 0) + (instance.serving ? 1 : 0));
    }
    for (const [region, tables] of consumed) {
      for (const [table, units] of tables) {
        for (const metric of ['ConsumedReadCapacityUnits', 'ConsumedWriteCapacityUnits']) {
          this.samples.record(region, 'AWS/DynamoDB', metric, { TableName: table }, units, at);
        }
      }
    }
  }
}

function isRunning(instance: FleetInstance): boolean {
  const state = instance.view.lifecycleState;
  return state === 'Pending' || state === 'InService';
}
