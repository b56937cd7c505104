import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SANDBOX_CREDENTIALS } from '../credentials.js';
import type { AcknowledgedSessionWrite } from './acknowledged-sessions.js';
import { messageOf } from './connection.js';
import type { FleetInstance } from './instance.js';
import { InstanceLoad } from './instance-load.js';
import { InstanceSessions, isDefiniteRefusal } from './session-writes.js';

export interface SessionLoadStats {
  /** Writes whose call returned 200 (each logs one item). */
  acknowledged: number;
  /** Writes that failed (throttled, no such table, table being deleted...): none is logged. */
  failed: number;
  /** Of the failed, those with no 4xx answer (a 5xx, a connection lost): they may have been applied. */
  inDoubt: number;
  /** The newest failures' messages, oldest first, each naming the instance, table and Region. */
  lastErrors: string[];
  /** Acknowledged writes per table name. */
  byTable: Record<string, number>;
}

/** Failures whose message is kept. */
const KEEP_ERRORS = 10;
/** Names the fleet's requests in the sandbox's request log; no toolkit token, so no action is credited. */
const USER_AGENT = 'sandbox-fleet';

/**
 * The application's DynamoDB writes, beside its PostgreSQL ones (write-load.ts) and at the same rate:
 * while it runs, every instance that is InService and serving writes one session item of the mix
 * (session-writes.ts) at a time to the table its parameters name, started at most `writesPerSecond`
 * times a second. The writes go through the sandbox's own endpoint with the real SDK client, as the
 * application's do, so that they pass through its DynamoDB service and become stream records there.
 * Every write whose call returned 200 is logged; a failed one is counted and its message kept, and the
 * instance goes on at its rate.
 */
export class SessionLoad extends InstanceLoad<{ table: string; endpoint: string }> {
  private log: AcknowledgedSessionWrite[] = [];
  private sessions = new Map<string, InstanceSessions>();
  private stats: SessionLoadStats = emptyStats();
  private readonly clients = new Map<string, DynamoDBClient>();

  /**
   * `endpoint` is the sandbox's URL, read when a write goes out (the server listens only after the fleet
   * is made); while it is empty, nothing is written.
   */
  constructor(
    instances: () => Iterable<FleetInstance>,
    private readonly endpoint: () => string,
  ) {
    super(instances);
  }

  /** The sandbox is going away: stops, then lets go of the clients' sockets. */
  async close(): Promise<void> {
    await this.stop();
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }

  acknowledgedWrites(): AcknowledgedSessionWrite[] {
    // The items are the log's own: a caller changing one must not change what the check compares.
    return this.log.map((write) => ({ ...write, item: write.item && structuredClone(write.item) }));
  }

  currentStats(): SessionLoadStats {
    return { ...this.stats, lastErrors: [...this.stats.lastErrors], byTable: { ...this.stats.byTable } };
  }

  /** The table its parameters name, while it is InService and serving and the sandbox listens. */
  protected target(instance: FleetInstance): { table: string; endpoint: string } | undefined {
    const endpoint = this.endpoint();
    const table = instance.settings.table;
    if (!endpoint || table === undefined) return undefined;
    if (instance.view.lifecycleState !== 'InService' || !instance.serving) return undefined;
    return { table, endpoint };
  }

  protected forget(): void {
    this.log = [];
    this.sessions = new Map();
    this.stats = emptyStats();
  }

  protected forgetInstance(id: string): void {
    this.sessions.delete(id);
  }

  /** One write of `instance`; never rejects. */
  protected async attempt(
    instance: FleetInstance,
    { table, endpoint }: { table: string; endpoint: string },
  ): Promise<void> {
    const epoch = this.epoch;
    const region = regionOf(instance);
    let sessions = this.sessions.get(instance.id);
    if (!sessions) {
      sessions = new InstanceSessions(instance.id);
      this.sessions.set(instance.id, sessions);
    }
    try {
      const written = await sessions.writeOne(this.client(region, endpoint), table);
      if (epoch !== this.epoch) return;
      const write = this.stats.acknowledged + 1;
      this.log.push({
        write,
        at: new Date(),
        instanceId: instance.id,
        group: instance.group.name,
        table,
        region,
        ...written,
      });
      this.stats.acknowledged = write;
      this.stats.byTable[table] = (this.stats.byTable[table] ?? 0) + 1;
    } catch (error) {
      if (epoch !== this.epoch) return;
      this.stats.failed++;
      if (!isDefiniteRefusal(error)) this.stats.inDoubt++;
      const name = error instanceof Error ? `${error.name}: ` : '';
      this.stats.lastErrors.push(`${instance.id} on ${table} in ${region}: ${name}${messageOf(error)}`);
      if (this.stats.lastErrors.length > KEEP_ERRORS) this.stats.lastErrors.shift();
    }
  }

  /**
   * The Region's client, made on first use. One attempt per write: a throttled or refused write is a
   * failure the load counts, never a retry that would blur which call did what. The sandbox's dummy
   * credentials and a user agent without the toolkit's token: the sandbox credits these calls to no
   * action in its usage log (server.ts, callerAction).
   */
  private client(region: string, endpoint: string): DynamoDBClient {
    let client = this.clients.get(region);
    if (!client) {
      client = new DynamoDBClient({
        region,
        endpoint,
        credentials: { ...SANDBOX_CREDENTIALS },
        maxAttempts: 1,
        customUserAgent: USER_AGENT,
      });
      this.clients.set(region, client);
    }
    return client;
  }
}

/**
 * The Region whose table an instance writes: that of the cluster its database parameters name, which
 * for a global cluster is the writer's (settings.ts, clusterAt), the primary Region, for the DR group's
 * instances too. Not each group's own Region: the sandbox does not replicate a global table's items
 * between Regions (services/dynamodb/regional-dynalites.ts runs one dynalite per Region, and only the
 * World's overlay makes a table "global"), so the DR instances' writes would stay in the DR Region,
 * where neither a migration nor a check of the primary Region's table sees them.
 */
function regionOf(instance: FleetInstance): string {
  return instance.cluster?.region ?? instance.group.region;
}

function emptyStats(): SessionLoadStats {
  return { acknowledged: 0, failed: 0, inDoubt: 0, lastErrors: [], byTable: {} };
}
