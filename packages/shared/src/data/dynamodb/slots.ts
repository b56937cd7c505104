/**
 * A fixed number of slots for work in flight (the concurrent BatchWriteItem calls). `acquire` waits while
 * all are taken, which is what holds a Scan back when the writers cannot keep up.
 */
export class Slots {
  private free: number;
  private readonly waiting: Array<{ resolve: () => void; reject: (reason: unknown) => void }> = [];

  constructor(count: number) {
    this.free = count;
  }

  acquire(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        reject,
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next.resolve();
    else this.free++;
  }
}
