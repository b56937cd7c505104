import type { Check } from '../report/report.js';
import type { ParameterState } from '../resources/app-parameters.js';
import type { LedgerEvent } from '../ledger/event.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface Stabilisation {
  /** The later of the cutover's completion and the parameters' last change, on AWS's clock. */
  since: Date;
  /** What `since` is (the cutover, or a parameter changed after it). */
  sinceWhat: string;
  days: number;
  /** When the cleanup is allowed: `since + minStableDays`. */
  allowedFrom: Date;
}

/**
 * Step 4.1's 7–14 days, measured on AWS's clock only: from the ledger's cutover-completed (its time is
 * the SSM LastModifiedDate of the event) or from a later change of an application parameter (a person
 * pointing a Region back at v1 and forward again restarts the count), to AWS's time now.
 */
export function stabilisation(
  completed: LedgerEvent,
  parameters: readonly ParameterState[],
  awsNow: Date,
  minStableDays: number,
): Stabilisation {
  let since = completed.at;
  let sinceWhat = `the cutover completed (ledger #${completed.sequence})`;
  for (const p of parameters) {
    if (p.exists && p.lastModifiedDate && p.lastModifiedDate.getTime() > since.getTime()) {
      since = p.lastModifiedDate;
      sinceWhat = `${p.region} ${p.name} last changed`;
    }
  }
  return {
    since,
    sinceWhat,
    days: (awsNow.getTime() - since.getTime()) / DAY_MS,
    allowedFrom: new Date(since.getTime() + minStableDays * DAY_MS),
  };
}

export function stabilisationCheck(s: Stabilisation | undefined, minStableDays: number): Check {
  const base = {
    id: 'v2-stable',
    title: `v2 has served alone for at least ${minStableDays} days (step 4.1)`,
  };
  if (!s) {
    return {
      ...base,
      status: 'fail',
      detail: 'No completed cutover in the ledger, so there is nothing to measure the stabilisation from.',
    };
  }
  const days = s.days.toFixed(1);
  if (s.days < minStableDays) {
    return {
      ...base,
      status: 'fail',
      detail:
        `Only ${days} days since ${s.sinceWhat} at ${s.since.toISOString()} (AWS's clock). The cleanup is ` +
        `allowed from ${s.allowedFrom.toISOString()}.`,
    };
  }
  return {
    ...base,
    status: 'pass',
    detail: `${days} days since ${s.sinceWhat} at ${s.since.toISOString()} (AWS's clock).`,
  };
}
