import type { LedgerEvent } from '../ledger/event.js';
import type { LedgerView } from '../ledger/view.js';

/*
 * Where an environment stands in Phase 3, read from its ledger. The events, in the order one cutover
 * writes them: cutover-started (the values it is about to replace, recorded before the first write),
 * parameters-written, refresh-started, cutover-completed (both refreshes done), bake-verdict; a
 * rollback: rollback-started, parameters-restored, rolled-back.
 */
export const CUTOVER_EVENTS = {
  started: 'cutover-started',
  parametersWritten: 'parameters-written',
  refreshStarted: 'refresh-started',
  completed: 'cutover-completed',
  failed: 'cutover-failed',
  bake: 'bake-verdict',
  rollbackStarted: 'rollback-started',
  parametersRestored: 'parameters-restored',
  rolledBack: 'rolled-back',
} as const;

export type CutoverState =
  /** Never cut over. */
  | { phase: 'not-cut-over' }
  /** A cutover began: completed or not, baked or not, and not rolled back since. */
  | {
      phase: 'cut-over';
      started: LedgerEvent;
      completed?: LedgerEvent;
      bake?: LedgerEvent;
      failed?: LedgerEvent;
      rollbackStarted?: LedgerEvent;
    }
  /** The latest cutover was rolled back. */
  | { phase: 'rolled-back'; started: LedgerEvent; rolledBack: LedgerEvent };

export function cutoverState(view: LedgerView): CutoverState {
  const latest = view.latest([CUTOVER_EVENTS.started, CUTOVER_EVENTS.rolledBack]);
  if (!latest) return { phase: 'not-cut-over' };
  if (latest.type === CUTOVER_EVENTS.rolledBack) {
    const started = view.events
      .filter((e) => e.type === CUTOVER_EVENTS.started && e.sequence < latest.sequence)
      .at(-1);
    // A rollback with no cutover recorded before it was one run from explicit inputs.
    return started ? { phase: 'rolled-back', started, rolledBack: latest } : { phase: 'not-cut-over' };
  }
  const after = (type: string) => view.since(latest, type).at(-1);
  const completed = after(CUTOVER_EVENTS.completed);
  const bake = after(CUTOVER_EVENTS.bake);
  const failed = after(CUTOVER_EVENTS.failed);
  const rollbackStarted = after(CUTOVER_EVENTS.rollbackStarted);
  return {
    phase: 'cut-over',
    started: latest,
    ...(completed ? { completed } : {}),
    ...(bake ? { bake } : {}),
    ...(failed ? { failed } : {}),
    ...(rollbackStarted ? { rollbackStarted } : {}),
  };
}
