/*
 * What Phase 4 records in the ledger, in the order one cleanup writes it: cleanup-started (the lock,
 * taken once every guard that needs no change has passed), archive-made (one per final archive, with its
 * identifier, ARN and state), v1-deletion-started (the point of no return: the plan about to be carried
 * out), then cleanup-completed, or cleanup-failed with what was done and what remains. A run killed
 * between two of them leaves the lock to the same run's re-run, which finishes the job.
 */
export const CLEANUP_EVENTS = {
  started: 'cleanup-started',
  archiveMade: 'archive-made',
  deletionStarted: 'v1-deletion-started',
  completed: 'cleanup-completed',
  failed: 'cleanup-failed',
} as const;
