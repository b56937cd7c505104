import type { LedgerEvent, RunRecord } from '../ledger/event.js';
import type { LedgerView } from '../ledger/view.js';
import { CUTOVER_EVENTS } from '../cutover/state.js';
import { CLEANUP_EVENTS } from './events.js';

/*
 * The environment's lock, read from its ledger: a migration job holds it from the event that starts
 * its change until the event that ends it. A cutover holds it from cutover-started until it completes
 * or fails, a rollback from rollback-started until rolled-back, a cleanup from cleanup-started until
 * cleanup-completed or cleanup-failed. A job that was killed never wrote its end: its lock stays held,
 * and only a re-run of the same workflow run (which resumes the job) or an explicit `break-lock` with
 * the holder's event id takes it over, in the manner of `terraform force-unlock`.
 */

export interface LockHolder {
  /** The event that took the lock. */
  event: LedgerEvent;
  job: 'cutover' | 'rollback' | 'cleanup';
}

export function lockHolder(view: LedgerView): LockHolder | undefined {
  const cleanup = view.latest(CLEANUP_EVENTS.started);
  if (cleanup && view.since(cleanup, [CLEANUP_EVENTS.completed, CLEANUP_EVENTS.failed]).length === 0) {
    return { event: cleanup, job: 'cleanup' };
  }
  const rollback = view.latest(CUTOVER_EVENTS.rollbackStarted);
  if (rollback && view.since(rollback, CUTOVER_EVENTS.rolledBack).length === 0) {
    return { event: rollback, job: 'rollback' };
  }
  const cutover = view.latest(CUTOVER_EVENTS.started);
  if (
    cutover &&
    view.since(cutover, [
      CUTOVER_EVENTS.completed,
      CUTOVER_EVENTS.failed,
      CUTOVER_EVENTS.rollbackStarted,
      CUTOVER_EVENTS.rolledBack,
    ]).length === 0
  ) {
    return { event: cutover, job: 'cutover' };
  }
  return undefined;
}

export type LockVerdict =
  | { free: true; resumes?: LedgerEvent; takesOver?: LedgerEvent }
  | { free: false; holder: LockHolder; reason: string };

/**
 * Whether this run may take the lock for a cleanup: it is free, or held by an earlier try of this very
 * run (a re-run after a crash resumes), or held by the crashed cleanup `breakLock` names.
 */
export function cleanupLock(view: LedgerView, run: RunRecord, breakLock?: string): LockVerdict {
  const holder = lockHolder(view);
  if (!holder) return { free: true };
  if (holder.job === 'cleanup' && run.id !== undefined && holder.event.run.id === run.id) {
    return { free: true, resumes: holder.event };
  }
  if (holder.job === 'cleanup' && breakLock !== undefined && holder.event.id === breakLock) {
    return { free: true, takesOver: holder.event };
  }
  const who = describeHolder(holder);
  const fix =
    holder.job === 'cleanup'
      ? `If that run is still going, wait for it. If it was killed, re-run that run's failed job (it resumes where ` +
        `it stopped), or, once you are sure it is not running, set the input break-lock: ${holder.event.id} to ` +
        `take its lock over.`
      : `Wait for it to finish, then run the cleanup again.`;
  return { free: false, holder, reason: `${who} holds the environment's lock. ${fix}` };
}

export function describeHolder(holder: LockHolder): string {
  const run = holder.event.run;
  const where = run.url ?? (run.id !== undefined ? `run ${run.id}` : 'a run outside GitHub Actions');
  const since = holder.event.at.toISOString();
  return `A ${holder.job} (${where}, ${holder.event.type} #${holder.event.sequence} at ${since})`;
}
