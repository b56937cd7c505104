import { describeRun } from '../ledger/describe.js';
import type { LedgerEvent } from '../ledger/event.js';
import type { LedgerView } from '../ledger/view.js';
import { cutoverState, CUTOVER_EVENTS } from './state.js';

export interface FreshnessOptions {
  /** How old a verification may be, in hours. */
  maxAgeHours: number;
  /** The time to measure age against. */
  now: Date;
}

/** The verdicts a cutover stands on, as found in the ledger. */
export interface CutoverBasis {
  health: LedgerEvent;
  parity: LedgerEvent;
}

export type CutoverGuard =
  | { ok: true; basis: CutoverBasis }
  /** `alreadyCutOver`: a completed cutover stands; a re-run is a no-op, not a failure. */
  | { ok: false; reason: string; alreadyCutOver?: LedgerEvent };

/**
 * Whether this environment may be cut over now, from its ledger alone: v2's health and the v1/v2 parity
 * recorded as passed within the freshness window, the parity newer than the last data copy and the last
 * rollback (v1 took writes again after it), and no cutover standing. Used before the plan, for a
 * refusal that changes nothing, and again as the `expect` of the cutover-started append, so that of two
 * runs racing for one environment exactly one records it.
 */
export function checkCutoverAllowed(view: LedgerView, freshness: FreshnessOptions): CutoverGuard {
  const state = cutoverState(view);
  if (state.phase === 'cut-over') {
    if (state.completed && !state.failed) {
      return {
        ok: false,
        reason:
          `${view.environment} is already cut over to v2 (event ${state.completed.sequence}, ` +
          `${state.completed.at.toISOString()}, ${describeRun(state.completed.run)})`,
        alreadyCutOver: state.completed,
      };
    }
    if (state.failed) {
      return {
        ok: false,
        reason:
          `the cutover of ${view.environment} that began at ${state.started.at.toISOString()} failed ` +
          `(event ${state.failed.sequence}, ${state.failed.at.toISOString()}: ${String(state.failed.data['reason'] ?? 'no reason recorded')}) ` +
          'and was not rolled back: run the rollback workflow for this environment first',
      };
    }
    return {
      ok: false,
      reason:
        `a cutover of ${view.environment} began at ${state.started.at.toISOString()} ` +
        `(event ${state.started.sequence}, ${describeRun(state.started.run)}) and did not complete: ` +
        'run the rollback workflow for this environment first; it restores what that cutover recorded',
    };
  }
  const oldest = new Date(freshness.now.getTime() - freshness.maxAgeHours * 3_600_000);
  const window = `${freshness.maxAgeHours} h (verification-max-age-hours)`;
  const health = view.latest('v2-verified');
  if (!health)
    return {
      ok: false,
      reason: `no v2 health check is recorded for ${view.environment}: run verify-v2 with check: health (or all)`,
    };
  if (health.data['healthy'] !== true) {
    return {
      ok: false,
      reason: `the latest v2 health check (event ${health.sequence}, ${health.at.toISOString()}) failed: fix v2 and run verify-v2 again`,
    };
  }
  if (health.at < oldest) {
    return {
      ok: false,
      reason: `the latest v2 health check is from ${health.at.toISOString()}, older than ${window}: run verify-v2 again`,
    };
  }
  const parity = view.latest(['parity-passed', 'parity-failed']);
  if (!parity)
    return {
      ok: false,
      reason: `no v1/v2 parity is recorded for ${view.environment}: run verify-v2 with check: parity (or all)`,
    };
  if (parity.type !== 'parity-passed') {
    return {
      ok: false,
      reason: `the latest parity check (event ${parity.sequence}, ${parity.at.toISOString()}) found differences: copy the data again and verify parity`,
    };
  }
  if (parity.at < oldest) {
    return {
      ok: false,
      reason: `the latest parity check is from ${parity.at.toISOString()}, older than ${window}: run verify-v2 with check: parity again`,
    };
  }
  const copied = view.latest('data-copied');
  if (copied && copied.sequence > parity.sequence) {
    return {
      ok: false,
      reason: `data was copied again (event ${copied.sequence}, ${copied.at.toISOString()}) after the latest parity check: verify parity again`,
    };
  }
  if (state.phase === 'rolled-back' && state.rolledBack.sequence > parity.sequence) {
    return {
      ok: false,
      reason:
        `the last cutover was rolled back (event ${state.rolledBack.sequence}, ${state.rolledBack.at.toISOString()}) after ` +
        'the latest parity check, and v1 has taken writes since: copy what changed and verify parity again',
    };
  }
  return { ok: true, basis: { health, parity } };
}

export { CUTOVER_EVENTS };
