/**
 * Runs `work` over `tasks` on `lanes` lanes, each taking the next task when its last one is done, so a
 * lane always owns the same pair of sessions (lane i: session i on each side). After a failure no lane
 * starts another task; the first error is raised once the tasks in progress have ended.
 */
export async function runInLanes<T>(
  tasks: readonly T[],
  lanes: number,
  work: (task: T, lane: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (index: number): Promise<void> => {
    while (!failure && next < tasks.length) {
      const task = tasks[next++]!;
      try {
        await work(task, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(lanes, tasks.length)) }, (_, i) => lane(i)));
  if (failure) throw failure.error;
}
