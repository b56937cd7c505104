import { cutoverState } from '../cutover/state.js';
import { describeEvent } from '../ledger/describe.js';
import type { LedgerView } from '../ledger/view.js';
import { VerdictError } from '../errors/index.js';

/*
 * Phase 2 writes into v2, and with allow-non-empty-target it first empties v2's tables: before the cutover
 * that is a re-run, after it that is the live database the application writes to, overwritten with v1's
 * older rows. Once a cutover began and was not rolled back, migrate-data refuses, dry run included.
 */
export function refuseCopyOntoLiveV2(view: LedgerView): void {
  const state = cutoverState(view);
  if (state.phase !== 'cut-over') return;
  throw new VerdictError(
    `Phase 2 refused for ${view.environment}: the application was pointed at v2 by ${describeEvent(state.started)}` +
      `${state.completed ? '' : ' (that cutover did not complete)'}, and no rollback followed. Copying into v2 now ` +
      'would empty or overwrite the database the application writes to. Roll back first (the rollback ' +
      'workflow restores v1), then copy again. Nothing was changed.',
  );
}
