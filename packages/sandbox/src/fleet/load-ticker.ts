/** Writes a second per instance, at most. */
export const MAX_WRITES_PER_SECOND = 100;

/**
 * The beat of a write load: `tick` about `rate` times a second, restarted at a new rate when started
 * again. The timer never keeps a process alive on its own.
 */
export class LoadTicker {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly tick: () => void) {}

  start(rate: number): void {
    checkRate(rate);
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(this.tick, Math.max(1, Math.round(1000 / rate)));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

function checkRate(rate: unknown): asserts rate is number {
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0 || rate > MAX_WRITES_PER_SECOND) {
    throw new RangeError(
      `startWriteLoad: writesPerSecond must be a number greater than 0 and at most ${MAX_WRITES_PER_SECOND} ` +
        `(writes a second per instance), got ${String(rate)}`,
    );
  }
}
