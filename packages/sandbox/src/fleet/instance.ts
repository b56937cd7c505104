import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { AutoScalingGroup, DbCluster, GroupInstance } from '../world/types.js';
import type { World } from '../world/world.js';
import { closeConnection, messageOf, openConnection } from './connection.js';
import { isTarget, readSettings, type AppSettings } from './settings.js';

/** Connections each application instance holds open to its database (an idle pool of two). */
export const CONNECTIONS_PER_INSTANCE = 2;

/** How often an instance whose connections failed tries again, in real time. */
const RETRY_EVERY_MS = 5_000;

/**
 * One running application instance: it read its parameters when it launched and holds
 * CONNECTIONS_PER_INSTANCE real PostgreSQL connections to the database they name until it is
 * terminated. Its `view` is what DescribeAutoScalingGroups lists.
 */
export class FleetInstance {
  readonly view: GroupInstance;
  readonly settings: AppSettings;
  private readonly clients: pg.Client[] = [];
  private failure: string | undefined;
  private attempt: Promise<void> | undefined;
  private lastAttemptAt = 0;
  private terminated = false;

  constructor(
    private readonly world: World,
    readonly group: AutoScalingGroup,
    launchedAt: Date,
    zone: string,
  ) {
    this.view = {
      instanceId: newInstanceId(),
      lifecycleState: 'Pending',
      healthStatus: 'Healthy',
      availabilityZone: zone,
      launchedAt,
    };
    // Read once, at start, as the application reads its configuration.
    this.settings = readSettings(world, group);
  }

  get id(): string {
    return this.view.instanceId;
  }

  /** The cluster the endpoint parameter named, if the world had one there. */
  get cluster(): DbCluster | undefined {
    return this.settings.database.cluster;
  }

  /** Connections that are connected now (what pg_stat_activity shows for this instance). */
  get connected(): number {
    return this.clients.length;
  }

  /** All its connections are up and none failed: it serves requests and reports Healthy. */
  get serving(): boolean {
    return this.failure === undefined && this.clients.length === CONNECTIONS_PER_INSTANCE;
  }

  /**
   * The connection the application writes through (the write load's): the first of its pool, while
   * the instance serves; undefined while it is starting, failed or leaving.
   */
  get writeConnection(): pg.Client | undefined {
    return this.serving && !this.terminated ? this.clients[0] : undefined;
  }

  /** Opens the connections; resolves when every attempt connected or failed. */
  connect(): Promise<void> {
    if (this.attempt) return this.attempt;
    this.lastAttemptAt = Date.now();
    this.attempt = this.openMissing().finally(() => {
      this.attempt = undefined;
      if (this.terminated) return;
      this.view.lifecycleState = 'InService';
      this.view.healthStatus = this.serving ? 'Healthy' : 'Unhealthy';
    });
    return this.attempt;
  }

  /** A later tick: an instance that could not connect tries again now and then, as applications do. */
  retryIfDue(): void {
    if (this.terminated || this.serving || this.attempt || !isTarget(this.settings.database)) return;
    if (Date.now() - this.lastAttemptAt >= RETRY_EVERY_MS) void this.connect();
  }

  /** Whether a connection attempt is under way (the instance is still starting). */
  get connecting(): Promise<void> | undefined {
    return this.attempt;
  }

  /** Closes every connection; the instance then leaves its group. */
  async terminate(): Promise<void> {
    if (this.terminated) return;
    this.terminated = true;
    this.view.lifecycleState = 'Terminating';
    await this.attempt?.catch(() => undefined);
    const clients = this.clients.splice(0);
    await Promise.all(clients.map(closeConnection));
    this.view.lifecycleState = 'Terminated';
  }

  /** What the instance writes to its log this tick. */
  logLines(): string[] {
    const where = this.cluster?.identifier ?? 'no cluster';
    const lines = [`INFO request served (database ${where}, table ${this.settings.table ?? 'none'})`];
    if (this.failure !== undefined) {
      const cluster = this.cluster ? ` (cluster ${this.cluster.identifier})` : '';
      lines.push(`ERROR database connection failed: ${this.failure}${cluster}`);
    } else if (this.cluster && this.world.unhealthyClusters.has(this.cluster.identifier)) {
      lines.push(
        `ERROR database query failed on cluster ${this.cluster.identifier}: ` +
          'canceling statement due to statement timeout',
      );
    }
    return lines;
  }

  private async openMissing(): Promise<void> {
    const { database } = this.settings;
    if (!isTarget(database)) {
      this.failure = database.problem;
      return;
    }
    const missing = CONNECTIONS_PER_INSTANCE - this.clients.length;
    const name = `fleet ${this.group.name} ${this.id}`;
    const results = await Promise.allSettled(
      Array.from({ length: missing }, () =>
        openConnection(database, name, (client, reason) => this.lose(client, reason)),
      ),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    this.failure = failed ? messageOf(failed.reason) : undefined;
    for (const result of results) {
      if (result.status !== 'fulfilled') continue;
      // Terminated while connecting: close at once rather than keep a connection nobody owns.
      if (this.terminated) await closeConnection(result.value);
      else this.clients.push(result.value);
    }
  }

  /** A connection the server closed or broke: the instance is unhealthy until it reconnects. */
  private lose(client: pg.Client, reason: string): void {
    const index = this.clients.indexOf(client);
    if (index >= 0) this.clients.splice(index, 1);
    void closeConnection(client);
    if (this.terminated) return;
    this.failure = reason;
    this.view.healthStatus = 'Unhealthy';
  }
}

/** `i-` and 17 hex digits, as EC2 instance ids are. */
function newInstanceId(): string {
  return `i-0${randomBytes(8).toString('hex')}`;
}
