/**
 * How far a long-running job (a cluster snapshot, a table backup) has come at `now` on the sandbox's
 * clock. Jobs are not driven by timers: their state is read off the clock whenever they are described,
 * so that a test which moves `sandbox.now` moves them too, and nothing runs between requests.
 */
export interface Progress {
  /** True once `durationMs` has passed since the job started. */
  finished: boolean;
  /** 0..99 while running (never 100 before it has finished), 100 once finished. */
  percent: number;
}

export function progressAt(startedAt: Date, durationMs: number, now: Date): Progress {
  const elapsed = now.getTime() - startedAt.getTime();
  if (elapsed >= durationMs) return { finished: true, percent: 100 };
  const percent = Math.floor((Math.max(0, elapsed) / durationMs) * 100);
  return { finished: false, percent: Math.min(99, percent) };
}
