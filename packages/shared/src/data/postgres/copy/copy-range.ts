import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { quoteIdent } from '../connection.js';
import { describeRange, rangePredicate, type KeyRange } from '../ranges.js';
import { inlineParams } from './inline-params.js';
import type { CopyProgress } from './progress.js';
import { PostgresCopyError } from './refusal.js';
import { rowCounter } from './row-counter.js';
import type { PlannedTable } from './types.js';

/** One unit of the data step: a table's range. A table of one range is one item. */
export interface WorkItem {
  planned: PlannedTable;
  range: KeyRange;
}

/** `schema.name` as reports show it. */
export function displayName(planned: PlannedTable): string {
  return `${planned.table.schema}.${planned.table.name}`;
}

/** Columns both COPYs name explicitly, in v1's order; generated columns are computed by v2 itself. */
export function copiedColumns(planned: PlannedTable): string {
  return planned.table.columns
    .filter((c) => !c.generated)
    .map((c) => quoteIdent(c.name))
    .join(', ');
}

/** The two COPY statements of a work item. */
export function copyStatements(item: WorkItem): { source: string; target: string; freeze: boolean } {
  const { planned, range } = item;
  const columns = copiedColumns(planned);
  const predicate = rangePredicate(planned.table, range);
  const where = inlineParams(predicate.sql, predicate.params);
  const freeze = planned.truncate === 'in-load';
  // ONLY: an inheritance parent's SELECT would include its children's rows, which are copied on their own.
  const source = `COPY (SELECT ${columns} FROM ONLY ${planned.qualified} WHERE ${where}) TO STDOUT (FORMAT ${planned.format})`;
  // FREEZE (rows written already frozen and visible, no later vacuum pass over them) is allowed because the
  // table is truncated in the same transaction.
  const target = `COPY ${planned.qualified} (${columns}) FROM STDIN (FORMAT ${planned.format}${freeze ? ', FREEZE' : ''})`;
  return { source, target, freeze };
}

/**
 * Streams one range from v1 (a session inside the shared snapshot) into v2, in one v2 transaction: the
 * rows of a range are all there or none are. A table loaded in one piece is truncated in that same
 * transaction, so a re-run replaces its rows rather than adding to them. Returns the table's totals when
 * this was its last range.
 */
export async function copyRange(
  item: WorkItem,
  v1: pg.Client,
  v2: pg.Client,
  progress: CopyProgress,
): Promise<{ rows: number; bytes: number; seconds: number } | undefined> {
  const name = displayName(item.planned);
  const { source, target, freeze } = copyStatements(item);
  const counter = rowCounter(item.planned.format);
  progress.rangeStarted(name, counter);
  try {
    await v2.query('BEGIN');
    if (freeze) await v2.query(`TRUNCATE TABLE ONLY ${item.planned.qualified}`);
    const sink = v2.query(copyFrom(target));
    // pipeline: backpressure from v2's socket reaches v1's, so memory stays bounded whatever the speeds.
    await pipeline(v1.query(copyTo(source)), counter, sink);
    if (sink.rowCount !== counter.rows) {
      throw new Error(`v2 stored ${sink.rowCount} rows of the ${counter.rows} read from v1`);
    }
    await v2.query('COMMIT');
  } catch (error) {
    await v2.query('ROLLBACK').catch(() => undefined);
    const where =
      item.planned.ranges.length > 1 ? ` range ${item.range.index + 1} ${describeRange(item.range)}` : '';
    const detail = (error as { detail?: string }).detail;
    throw new PostgresCopyError(
      `data: ${name}${where} failed: ${(error as Error).message}${detail ? ` (${detail})` : ''}`,
      { cause: error },
    );
  }
  // The table's totals once its last range is in.
  return progress.rangeFinished(name, counter);
}
