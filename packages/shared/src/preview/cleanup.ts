import { cleanUp, type CleanupClients, type CleanupResult } from '../cleanup/cleanup.js';
import type { CleanupOptions } from '../cleanup/options.js';
import type { MigrationConfig } from '../config/types.js';
import type { RunContext } from '../github/run-context.js';
import type { Ledger } from '../ledger/ledger.js';

/*
 * What cleanup-v1 would delete today, in order, and which of its guards would refuse: the cleanup's own
 * dry run (cleanUp with dry-run on), which reads and changes nothing. Two guards belong to the run that
 * deletes and say nothing about the world, so the preview leaves them out: the typed confirmation and
 * the environment gate's approval (a pull request's job is never behind `<env>-v1-cleanup`).
 */

/** Guards decided by the deleting run itself, not by the world the preview reads. */
export const APPLY_TIME_GUARDS: ReadonlySet<string> = new Set(['confirmation', 'approval-gate', 'dry-run']);

export type CleanupPreviewOptions = Pick<
  CleanupOptions,
  | 'minStableDays'
  | 'archiveBucket'
  | 'allowDisableDeletionProtection'
  | 'enablePointInTimeRecovery'
  | 'connectionWindowHours'
  | 'secretRecoveryDays'
>;

export function previewCleanup(
  config: MigrationConfig,
  clients: CleanupClients,
  ledger: Ledger,
  run: RunContext,
  options: CleanupPreviewOptions & Pick<CleanupOptions, 'sslMode'> & { mask(secret: string): void },
): Promise<CleanupResult> {
  return cleanUp({
    config,
    clients,
    ledger,
    run,
    // Outside the gate on purpose: the approval guard is left out of the preview (APPLY_TIME_GUARDS).
    gate: () => Promise.resolve({ inActions: false }),
    log: () => undefined,
    mask: options.mask,
    options: {
      ...options,
      confirm: '',
      dryRun: true,
      retainDays: 90,
      approvalEnvironment: `${config.environment}-v1-cleanup`,
      waitSeconds: 0,
      sslMode: options.sslMode,
    },
  });
}
