import { VerdictError } from '../errors/verdict-error.js';
import { describeEvent } from './describe.js';
import type { LedgerEvent, LedgerEventType } from './event.js';

/**
 * An append refused because the event is no longer valid to record: its `expect` predicate failed,
 * either on the ledger as first read or after another writer appended first (named here, so that the
 * user sees which run won). Nothing was written.
 */
export class LedgerRefusal extends VerdictError {
  readonly type: LedgerEventType;
  readonly reason: string;
  /** The events other writers appended while this one was about to; empty when refused at once. */
  readonly concurrent: readonly LedgerEvent[];

  constructor(
    environment: string,
    type: LedgerEventType,
    reason: string,
    concurrent: readonly LedgerEvent[],
  ) {
    const others =
      concurrent.length === 0
        ? ''
        : ` Another writer appended first: ${concurrent.map(describeEvent).join('; ')}.`;
    super(
      `Refused to record ${type} in the ledger of ${environment}: ${reason.replace(/\.+$/, '')}.${others} Nothing was written; ` +
        'read the ledger again and re-run the step only if it still applies.',
    );
    this.name = 'LedgerRefusal';
    this.type = type;
    this.reason = reason;
    this.concurrent = concurrent;
  }
}

/** One parameter under the ledger path that is not a readable event. */
export interface LedgerProblem {
  name: string;
  version?: number;
  lastModifiedDate?: Date;
  problem: string;
}

/**
 * The ledger holds something the toolkit cannot read. Guards must not decide on a partial record, so
 * reading fails, naming every bad parameter and never quoting its value.
 */
export class LedgerCorruptError extends Error {
  readonly problems: readonly LedgerProblem[];

  constructor(environment: string, path: string, problems: readonly LedgerProblem[]) {
    const listed = problems
      .map(
        (p) =>
          `${p.name}${p.version !== undefined ? ` (version ${p.version}` : ''}` +
          `${p.lastModifiedDate ? `, modified ${p.lastModifiedDate.toISOString()}` : ''}` +
          `${p.version !== undefined ? ')' : ''}: ${p.problem}`,
      )
      .join('; ');
    super(
      `The ledger of ${environment} (${path}) cannot be read: ${listed}. Every parameter directly under ${path} ` +
        'must be an event the toolkit wrote. Inspect it (aws ssm get-parameter --with-decryption --name …); if it ' +
        'was not written by the toolkit, move it elsewhere, then re-run.',
    );
    this.name = 'LedgerCorruptError';
    this.problems = problems;
  }
}
