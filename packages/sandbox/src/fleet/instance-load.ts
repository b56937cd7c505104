import type { FleetInstance } from './instance.js';
import { LoadTicker } from './load-ticker.js';

/**
 * What the fleet's two write loads share (write-load.ts on the database, session-load.ts on the table):
 * on every beat, each instance that can write starts one write, and never a second while the first is
 * in flight; an instance being terminated finishes its write and starts no other; `clear()` starts a new
 * epoch, so that a write settling afterwards is not logged into the next scenario's log.
 */
export abstract class InstanceLoad<Target> {
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Instances being terminated: they finish the write in flight and start no other. */
  private leaving = new Set<string>();
  private readonly ticker = new LoadTicker(() => this.tick());
  /** Bumped by clear(): a write that settles afterwards belongs to a log that is gone. */
  protected epoch = 0;

  constructor(private readonly instances: () => Iterable<FleetInstance>) {}

  /** Writes `writesPerSecond` times a second per instance; called again, changes the rate. */
  start(options: { writesPerSecond: number }): void {
    this.ticker.start(options?.writesPerSecond);
  }

  /** Starts no more writes; resolves once those in flight have settled (and been logged or counted). */
  async stop(): Promise<void> {
    this.ticker.stop();
    await Promise.all([...this.inFlight.values()]);
  }

  /** Forgets the log, the counts and what each instance wrote (a scenario about to be loaded). */
  clear(): void {
    this.epoch++;
    this.leaving = new Set();
    this.forget();
  }

  /** An instance about to be terminated: its write in flight settles first, as a request finishes. */
  async release(instance: FleetInstance): Promise<void> {
    this.leaving.add(instance.id);
    await this.inFlight.get(instance.id);
    this.forgetInstance(instance.id);
  }

  /** What the instance writes to now; undefined when it cannot write on this beat. */
  protected abstract target(instance: FleetInstance): Target | undefined;
  /** One write of the instance, logged or counted; never rejects. */
  protected abstract attempt(instance: FleetInstance, target: Target): Promise<void>;
  /** The log, the counts and every instance's own state. */
  protected abstract forget(): void;
  protected abstract forgetInstance(id: string): void;

  private tick(): void {
    for (const instance of this.instances()) {
      const { id } = instance;
      if (this.inFlight.has(id) || this.leaving.has(id)) continue;
      const target = this.target(instance);
      if (target === undefined) continue;
      const run = this.attempt(instance, target).finally(() => this.inFlight.delete(id));
      this.inFlight.set(id, run);
    }
  }
}
