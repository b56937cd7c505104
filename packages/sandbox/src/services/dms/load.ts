import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { SourceTable } from './catalog.js';

/**
 * Copies one table from the source session (inside the task's snapshot) into the target in one
 * target transaction, with COPY both ways; returns the rows the target stored.
 */
export async function loadTable(table: SourceTable, source: pg.Client, target: pg.Client): Promise<number> {
  const columns = table.columns.map((c) => source.escapeIdentifier(c)).join(', ');
  await target.query('BEGIN');
  try {
    const sink = target.query(copyFrom(`COPY ${table.qualified} (${columns}) FROM STDIN`));
    await pipeline(
      source.query(copyTo(`COPY (SELECT ${columns} FROM ONLY ${table.qualified}) TO STDOUT`)),
      sink,
    );
    await target.query('COMMIT');
    return sink.rowCount;
  } catch (error) {
    await target.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** TRUNCATE_BEFORE_LOAD: every selected table in one statement, so that foreign keys between them allow it. */
export async function truncateTargets(target: pg.Client, tables: SourceTable[]): Promise<void> {
  if (tables.length === 0) return;
  await target.query(`TRUNCATE TABLE ${tables.map((t) => t.qualified).join(', ')}`);
}
