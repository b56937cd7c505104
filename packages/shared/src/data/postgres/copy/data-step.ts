import type pg from 'pg';
import { connectPostgres, withPostgres, type PostgresEndpoint } from '../connection.js';
import { copyRange, displayName, type WorkItem } from './copy-range.js';
import { runPool } from './pool.js';
import { CopyProgress } from './progress.js';
import { PostgresCopyError } from './refusal.js';
import { joinSnapshot } from './snapshot.js';
import type { PlannedTable, TableCopyResult } from './types.js';

export interface DataStep {
  source: PostgresEndpoint;
  target: PostgresEndpoint;
  tables: readonly PlannedTable[];
  snapshotId: string;
  jobs: number;
  log: (line: string) => void;
  progressIntervalSeconds: number;
}

/**
 * Work items level by level (a table after the tables it references on v2), and within a level the
 * largest tables first, so that the longest load starts early and small tables fill the other workers.
 */
export function orderWork(tables: readonly PlannedTable[]): WorkItem[][] {
  const levels = new Map<number, PlannedTable[]>();
  for (const planned of tables) levels.set(planned.level, [...(levels.get(planned.level) ?? []), planned]);
  return [...levels.keys()]
    .sort((a, b) => a - b)
    .map((level) =>
      levels
        .get(level)!
        .sort((a, b) => b.table.estimatedBytes - a.table.estimatedBytes)
        .flatMap((planned) => planned.ranges.map((range) => ({ planned, range }))),
    );
}

/**
 * Tables loaded in several ranges, or that take part in a foreign key on v2, are emptied before any row is
 * loaded, in one TRUNCATE: a table referenced by another can only be truncated together with it.
 */
async function truncateBeforeLoad(step: DataStep): Promise<void> {
  const tables = step.tables.filter((t) => t.truncate === 'before-load');
  if (tables.length === 0) return;
  await withPostgres(
    step.target,
    async (client) => {
      try {
        await client.query(`TRUNCATE TABLE ONLY ${tables.map((t) => t.qualified).join(', ')}`);
      } catch (error) {
        throw new PostgresCopyError(
          `data: cannot empty ${tables.map(displayName).join(', ')} on v2 before loading: ` +
            `${(error as Error).message} (a table on v2 that v1 does not have may reference one of them: ` +
            `drop that foreign key, or that table, and re-run)`,
          { cause: error },
        );
      }
    },
    'copy truncate',
  );
}

/** Streams every table's rows from the shared snapshot of v1 into v2 with `jobs` pairs of sessions. */
export async function loadData(step: DataStep): Promise<TableCopyResult[]> {
  await truncateBeforeLoad(step);
  const progress = new CopyProgress(step.log, step.progressIntervalSeconds);
  for (const planned of step.tables) progress.register(displayName(planned), planned.ranges.length);
  const levels = orderWork(step.tables);
  const workers: Array<{ v1: pg.Client; v2: pg.Client }> = [];
  const worker = async (runner: number): Promise<{ v1: pg.Client; v2: pg.Client }> => {
    let pair = workers[runner];
    if (!pair) {
      const v1 = await connectPostgres(step.source, `copy reader ${runner + 1}`);
      try {
        await joinSnapshot(v1, step.snapshotId);
        pair = { v1, v2: await connectPostgres(step.target, `copy writer ${runner + 1}`) };
      } catch (error) {
        await v1.end().catch(() => undefined);
        throw error;
      }
      workers[runner] = pair;
    }
    return pair;
  };
  const results = new Map<string, TableCopyResult>();
  progress.start();
  try {
    for (const items of levels) {
      await runPool(items, step.jobs, async (item, runner) => {
        const { v1, v2 } = await worker(runner);
        const done = await copyRange(item, v1, v2, progress);
        const table = displayName(item.planned);
        if (done) results.set(table, { table, ...done });
      });
    }
  } finally {
    progress.stop();
    await Promise.all(
      workers.flatMap(({ v1, v2 }) => [v1.end().catch(() => undefined), v2.end().catch(() => undefined)]),
    );
  }
  return step.tables.map((planned) => results.get(displayName(planned))!);
}
