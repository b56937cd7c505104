import type { LedgerEvent, RunRecord } from './event.js';

/**
 * One line per event, for logs, refusals and a timeline: never its data or secrets, only what tells a
 * reader which step wrote it, when (AWS's time), from which run, by whom and approved by whom.
 */
export function describeEvent(event: LedgerEvent): string {
  const approvers = event.approvers.known
    ? approvedBy(event.approvers.reviews.filter((r) => r.state === 'approved').map((r) => r.login))
    : 'approvers unknown';
  return `${event.type} (${event.name}, ${event.at.toISOString()}, ${describeRun(event.run)}, ${approvers})`;
}

export function describeRun(run: RunRecord): string {
  const by = run.actor !== undefined ? ` by ${run.actor}` : '';
  if (run.url !== undefined) return `run ${run.url}${attempt(run)}${by}`;
  if (run.id !== undefined) return `run ${run.id}${attempt(run)}${by}`;
  return `outside GitHub Actions${by}`;
}

function attempt(run: RunRecord): string {
  return run.attempt !== undefined && run.attempt > 1 ? ` attempt ${run.attempt}` : '';
}

function approvedBy(logins: string[]): string {
  return logins.length === 0 ? 'no approvals' : `approved by ${logins.join(', ')}`;
}
