/**
 * Runs `work` over `items` with at most `jobs` at a time, taking items in the order given. Each runner gets
 * its index, so a caller can keep one session per runner. After a failure no new item starts; the first
 * error is thrown once the items already running have ended, so that no session is abandoned mid-statement.
 */
export async function runPool<T>(
  items: readonly T[],
  jobs: number,
  work: (item: T, runner: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const runner = async (index: number): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const count = Math.max(1, Math.min(jobs, items.length));
  await Promise.all(Array.from({ length: count }, (_, i) => runner(i)));
  if (failure) throw failure.error;
}
