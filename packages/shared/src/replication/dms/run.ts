import type pg from 'pg';
import type { LedgerEvent } from '../../ledger/event.js';

/*
 * What migrate-data's `replication: dms` leaves running, as the ledger records it: the task and its
 * endpoints, and the logical slot the task reads on v1. DMS names that slot itself and no DMS call says
 * which it is, so migrate-data notes the slots of v1's database before the task starts and finds the one
 * that appeared once its full load began. Through that slot v1 tells what DMS confirmed: the drain at
 * cutover waits for it to confirm every byte v1 wrote, as it does for logical replication.
 */

export interface DmsRun {
  /** The task's identifier. */
  task: string;
  taskArn: string;
  endpointArns: string[];
  instanceArn: string;
  /** The slot the task reads on v1; undefined when it could not be told apart from others. */
  slot?: string;
}

/** The run a `replication-started` (mode dms) or `dms-objects-created` event records. */
export function dmsRunOf(event: LedgerEvent): DmsRun | undefined {
  const { data } = event;
  const taskArn = data['taskArn'];
  if (typeof taskArn !== 'string') return undefined;
  const endpointArns = Array.isArray(data['endpointArns'])
    ? data['endpointArns'].filter((a): a is string => typeof a === 'string')
    : [];
  const slot = data['slot'];
  return {
    task: typeof data['task'] === 'string' ? data['task'] : (taskArn.split(':').at(-1) ?? taskArn),
    taskArn,
    endpointArns,
    instanceArn: typeof data['instanceArn'] === 'string' ? data['instanceArn'] : '',
    ...(typeof slot === 'string' ? { slot } : {}),
  };
}

/** The logical slots of v1's current database. */
export async function logicalSlots(v1: pg.Client): Promise<string[]> {
  const { rows } = await v1.query<{ name: string }>(
    `SELECT slot_name AS name FROM pg_catalog.pg_replication_slots
      WHERE slot_type = 'logical' AND database = current_database() ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

/** The one slot in `after` that `before` lacks; undefined when none or several appeared. */
export function newSlot(before: readonly string[], after: readonly string[]): string | undefined {
  const appeared = after.filter((s) => !before.includes(s));
  return appeared.length === 1 ? appeared[0] : undefined;
}
