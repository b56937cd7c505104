import type pg from 'pg';
import type { AcknowledgedWrite } from './acknowledged-writes.js';
import { messageOf } from './connection.js';
import type { FleetInstance } from './instance.js';
import { InstanceLoad } from './instance-load.js';
import { CommitInDoubtError, hasPaymentsSchema, InstanceRows } from './payment-writes.js';

export interface WriteLoadOptions {
  /** Transactions each serving instance starts a second, from more than 0 to MAX_WRITES_PER_SECOND. */
  writesPerSecond: number;
}

export interface WriteLoadStats {
  /** Transactions whose COMMIT returned (each logs one or more rows). */
  acknowledged: number;
  /** Transactions that failed (permission denied, connection terminated, read-only...): none of it is logged. */
  failed: number;
  /** Of the failed, those whose COMMIT did not return: they may have committed. */
  inDoubt: number;
  /** The newest failures' messages, oldest first, each naming the instance and cluster. */
  lastErrors: string[];
  /** Acknowledged transactions per cluster identifier. */
  byCluster: Record<string, number>;
}

export { MAX_WRITES_PER_SECOND } from './load-ticker.js';
/** Failures whose message is kept. */
const KEEP_ERRORS = 10;
/** How often an instance whose database lacks the payments schema looks again (migrations may create it). */
const SCHEMA_RECHECK_MS = 2_000;

/**
 * The application's writes: while it runs, every instance that is InService with its connections up
 * runs one transaction of the payments mix (payment-writes.ts) at a time, started at most
 * `writesPerSecond` times a second, through one of its own connections. Instances launched later (a
 * refresh's) join as they come into service. Every transaction whose COMMIT returned is logged, row by
 * row; a failed one is counted and its message kept, and the instance goes on at its rate, as an
 * application keeps serving. A connection lost is the instance's business (it reconnects as it does).
 */
export class WriteLoad extends InstanceLoad<pg.Client> {
  private log: AcknowledgedWrite[] = [];
  private rows = new Map<string, InstanceRows>();
  private schema = new Map<string, { present: boolean; checkedAt: number }>();
  private stats: WriteLoadStats = emptyStats();

  acknowledgedWrites(): AcknowledgedWrite[] {
    return this.log.map((write) => ({ ...write, values: { ...write.values }, ids: { ...write.ids } }));
  }

  currentStats(): WriteLoadStats {
    return { ...this.stats, lastErrors: [...this.stats.lastErrors], byCluster: { ...this.stats.byCluster } };
  }

  /** Its write connection, once it is InService with one. */
  protected target(instance: FleetInstance): pg.Client | undefined {
    if (instance.view.lifecycleState !== 'InService') return undefined;
    return instance.writeConnection;
  }

  protected forget(): void {
    this.log = [];
    this.rows = new Map();
    this.schema = new Map();
    this.stats = emptyStats();
  }

  protected forgetInstance(id: string): void {
    this.rows.delete(id);
    this.schema.delete(id);
  }

  /** One transaction of `instance`; never rejects. */
  protected async attempt(instance: FleetInstance, client: pg.Client): Promise<void> {
    const epoch = this.epoch;
    const target = instance.settings.database;
    const cluster =
      instance.cluster?.identifier ?? ('host' in target ? `${target.host}:${target.port}` : 'unknown');
    if (!(await this.schemaReady(instance, client))) return;
    let rows = this.rows.get(instance.id);
    if (!rows) {
      rows = new InstanceRows(instance.id);
      this.rows.set(instance.id, rows);
    }
    try {
      const written = await rows.writeOne(client);
      if (epoch !== this.epoch) return;
      const write = this.stats.acknowledged + 1;
      const at = new Date();
      for (const row of written) {
        this.log.push({ write, at, instanceId: instance.id, group: instance.group.name, cluster, ...row });
      }
      this.stats.acknowledged = write;
      this.stats.byCluster[cluster] = (this.stats.byCluster[cluster] ?? 0) + 1;
    } catch (error) {
      if (epoch !== this.epoch) return;
      this.stats.failed++;
      if (error instanceof CommitInDoubtError) this.stats.inDoubt++;
      this.stats.lastErrors.push(`${instance.id} on ${cluster}: ${messageOf(error)}`);
      if (this.stats.lastErrors.length > KEEP_ERRORS) this.stats.lastErrors.shift();
    }
  }

  /** Whether the instance's database has the payments schema; asked again now and then while it has not. */
  private async schemaReady(instance: FleetInstance, client: pg.Client): Promise<boolean> {
    const known = this.schema.get(instance.id);
    if (known?.present) return true;
    if (known && Date.now() - known.checkedAt < SCHEMA_RECHECK_MS) return false;
    const epoch = this.epoch;
    let present: boolean;
    try {
      present = await hasPaymentsSchema(client);
    } catch {
      // Not a write: a connection that broke is the instance's to handle, and the next tick asks again.
      return false;
    }
    if (epoch === this.epoch) this.schema.set(instance.id, { present, checkedAt: Date.now() });
    return present;
  }
}

function emptyStats(): WriteLoadStats {
  return { acknowledged: 0, failed: 0, inDoubt: 0, lastErrors: [], byCluster: {} };
}
