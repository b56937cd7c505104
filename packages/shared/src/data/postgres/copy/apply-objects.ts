import type pg from 'pg';
import { describeEndpoint, type PostgresEndpoint } from '../connection.js';
import { describeObject, type DumpObject } from './dump-script.js';
import { PostgresCopyError } from './refusal.js';

/**
 * SQLSTATEs that mean "this object is already there", by what raised them: a re-run after a killed or
 * completed copy finds what the earlier run created, and skips it. Two codes are broader than that and are
 * taken as "already there" only for the one kind of object where they say so.
 */
const ALREADY_THERE = new Set([
  '42P07', // duplicate_table: relation (table, sequence, view, index) already exists
  '42710', // duplicate_object: type, constraint, trigger, rule, policy already exists
  '42P06', // duplicate_schema
  '42723', // duplicate_function
]);

export function alreadyThere(object: DumpObject, error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  if (code !== undefined && ALREADY_THERE.has(code)) return true;
  // "multiple primary keys for table … are not allowed": the primary key from an earlier run.
  if (code === '42P16' && object.type === 'CONSTRAINT' && /PRIMARY KEY/i.test(object.sql)) return true;
  // '"events_2024" is already a partition': attached by an earlier run.
  if (code === '42809' && object.type === 'TABLE ATTACH' && /already a partition/.test(message ?? '')) {
    return true;
  }
  return false;
}

/** The error of an object's statements, naming the object, the side and what the server said. */
export function objectError(
  step: string,
  object: DumpObject,
  target: PostgresEndpoint,
  error: unknown,
): PostgresCopyError {
  const detail = (error as { detail?: string }).detail;
  return new PostgresCopyError(
    `${step}: ${describeObject(object)} failed on ${describeEndpoint(target)}: ${(error as Error).message}` +
      (detail ? ` (${detail})` : ''),
    { cause: error },
  );
}

/**
 * Runs one object's statements on a session outside a transaction; true if applied, false if it was
 * already there.
 */
export async function applyObject(client: pg.Client, object: DumpObject): Promise<boolean> {
  try {
    await client.query(object.sql);
    return true;
  } catch (error) {
    if (alreadyThere(object, error)) return false;
    throw error;
  }
}

/**
 * Runs one object's statements inside the session's open transaction, behind a savepoint so that an
 * object already there is skipped without aborting the others.
 */
export async function applyObjectInTransaction(client: pg.Client, object: DumpObject): Promise<boolean> {
  await client.query('SAVEPOINT dump_object');
  try {
    await client.query(object.sql);
  } catch (error) {
    await client.query('ROLLBACK TO SAVEPOINT dump_object');
    if (alreadyThere(object, error)) return false;
    throw error;
  }
  await client.query('RELEASE SAVEPOINT dump_object');
  return true;
}
