import { setTimeout as sleep } from 'node:timers/promises';

/** The clock and the wait a bucket uses; replaced in its unit test. */
export interface Pacing {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const realPacing: Pacing = {
  now: () => performance.now(),
  sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : {}),
};

/**
 * A token bucket of `ratePerSecond` items, holding at most one second's worth (and at least one batch):
 * the limit for a copy from a live table, so that the copy's reads and writes leave the application room.
 * `take(n)` may run the bucket into debt and then waits the debt off, so that a batch larger than the
 * bucket still goes, and concurrent takers queue up behind one another in the order they asked.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly capacity: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly pacing: Pacing = realPacing,
  ) {
    if (!(ratePerSecond > 0))
      throw new RangeError(`a rate limit must be above 0 items/s, got ${ratePerSecond}`);
    this.capacity = Math.max(ratePerSecond, 1);
    this.tokens = this.capacity;
    this.last = pacing.now();
  }

  async take(count: number, signal?: AbortSignal): Promise<void> {
    const now = this.pacing.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
    this.tokens -= count;
    if (this.tokens < 0) await this.pacing.sleep((-this.tokens / this.ratePerSecond) * 1000, signal);
  }
}
