import type { Checkpoint, CheckpointStore, CopyIdentity, SegmentPosition } from './checkpoint.js';

/** The state a checkpoint records, read at the moment it is saved. */
export interface CopyState {
  segments: SegmentPosition[];
  items: number;
}

/**
 * Saves a copy's checkpoint through its store: at most every `intervalMs` (SSM PutParameter has a low rate
 * limit, and concurrent updates of one parameter fail with TooManyUpdates) plus whenever asked to force
 * (a segment finished), one save at a time, each with the latest state. A periodic save that fails is
 * logged and left to the next one; `flush` and `clear`, at the end, fail loudly.
 */
export class Checkpointer {
  private chain: Promise<void> = Promise.resolve();
  private queued = false;
  private lastRequest = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: CheckpointStore | undefined,
    private readonly identity: CopyIdentity,
    private readonly state: () => CopyState,
    private readonly intervalMs: number,
    private readonly log: (line: string) => void,
  ) {}

  request(force = false): void {
    const store = this.store;
    if (!store || this.queued) return;
    const now = performance.now();
    if (!force && now - this.lastRequest < this.intervalMs) return;
    this.lastRequest = now;
    this.queued = true;
    this.chain = this.chain.then(async () => {
      this.queued = false;
      try {
        await store.save(this.snapshot());
      } catch (error) {
        this.log(
          `Warning: could not save the copy checkpoint to ${store.location ?? 'its store'} ` +
            `(${error instanceof Error ? error.message : String(error)}); the next save carries the positions.`,
        );
      }
    });
  }

  /** Waits for the save in flight, then saves the latest state; throws when that fails. */
  async flush(): Promise<void> {
    await this.chain;
    if (this.store) await this.store.save(this.snapshot());
  }

  /** The copy is complete: waits for the save in flight, then removes the checkpoint. */
  async clear(): Promise<void> {
    await this.chain;
    if (this.store) await this.store.clear();
  }

  private snapshot(): Checkpoint {
    const { segments, items } = this.state();
    return {
      version: 1,
      ...this.identity,
      segments: [...segments],
      items,
      savedAt: new Date().toISOString(),
    };
  }
}
