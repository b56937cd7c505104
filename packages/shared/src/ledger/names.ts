import { validateEnvironment } from '../config/environment.js';

/**
 * Where an environment's ledger lives: one SSM parameter per event directly under
 * `/db-migration/{env}/ledger/`, named by a zero-padded sequence number so that names sort in the
 * order the events were appended (`/db-migration/dev/ledger/000042`). Six digits hold a million events,
 * a hundred times the 10,000 Standard parameters a Region allows.
 */
export const SEQUENCE_DIGITS = 6;

const SEQUENCE = new RegExp(`^\\d{${SEQUENCE_DIGITS}}$`);

/** `/db-migration/{env}/ledger`, the path GetParametersByPath lists (Recursive false). */
export function ledgerPath(environment: string): string {
  return `/db-migration/${validateEnvironment(environment)}/ledger`;
}

export function eventParameterName(environment: string, sequence: number): string {
  return `${ledgerPath(environment)}/${String(sequence).padStart(SEQUENCE_DIGITS, '0')}`;
}

/** The sequence number a parameter under `path` stands for, or undefined when its name is not one. */
export function sequenceOf(path: string, name: string): number | undefined {
  if (!name.startsWith(`${path}/`)) return undefined;
  const last = name.slice(path.length + 1);
  return SEQUENCE.test(last) && Number(last) > 0 ? Number(last) : undefined;
}

/**
 * Where the parts of an event too long for one parameter go: one level below the ledger path, so that
 * listing the ledger (Recursive false) never sees them, and named by the digest of the event's text, so
 * that writing the same parts twice (a retry) names the same parameters with the same values.
 */
export function partName(environment: string, digest: string, index: number): string {
  return `${ledgerPath(environment)}/parts/${digest.slice(0, 32)}/${index}`;
}
