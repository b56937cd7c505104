/**
 * Progress lines for a long copy or scan: items so far and the rate since the previous line, at most
 * every `intervalMs`, so a big table gives a steady heartbeat in the job log rather than one per batch.
 */
export class ProgressReporter {
  private lastAt = performance.now();
  private lastItems = 0;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly log: (line: string) => void,
  ) {}

  tick(items: number, segmentsDone: number, segments: number): void {
    const now = performance.now();
    if (now - this.lastAt < this.intervalMs) return;
    const rate = ((items - this.lastItems) * 1000) / (now - this.lastAt);
    this.lastAt = now;
    this.lastItems = items;
    this.log(
      `${this.name}: ${items} items written, ${Math.round(rate)} items/s, ${segmentsDone}/${segments} segments done`,
    );
  }
}
