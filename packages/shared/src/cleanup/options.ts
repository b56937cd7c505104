import type { SslMode } from '../data/ssl-mode.js';
/** What the person running Phase 4 decided, validated by the action before any AWS call. */
export interface CleanupOptions {
  /** Must be exactly `DELETE-V1` for anything to be deleted. */
  confirm: string;
  /** Print the plan and every guard, change nothing. */
  dryRun: boolean;
  /** Days v2 must have served alone since the cutover completed (step 4.1). */
  minStableDays: number;
  /** S3 bucket the v1 table is exported to (step 4.2). */
  archiveBucket: string;
  /** Days the final snapshots are to be kept: their `RetainUntil` tag. */
  retainDays: number;
  /** Whether deletion protection on a v1 cluster or the global cluster may be turned off. */
  allowDisableDeletionProtection: boolean;
  /** Recovery window of the v1 secret's deletion; 0 deletes it at once (only when allowed). */
  secretRecoveryDays: number;
  /** Whether point-in-time recovery may be turned on for the v1 table so that it can be exported. */
  enablePointInTimeRecovery: boolean;
  /** The window in which v1 must have had no connection and no table traffic. */
  connectionWindowHours: number;
  /**
   * The GitHub environment whose required reviewers gate this job (`<env>-v1-cleanup`): read through the
   * REST API when running in Actions.
   */
  approvalEnvironment: string;
  /** The id of a crashed cleanup's `cleanup-started` event whose lock this run may take over. */
  breakLock?: string;
  /** How long to wait for each archive and each deletion, in seconds. */
  waitSeconds: number;
  /** Poll delays of the SDK waiters, seconds (short in tests). */
  minDelaySeconds?: number;
  maxDelaySeconds?: number;
  /** The `cleanup-plan` fingerprint of the approved preview: a different deletion plan is refused. */
  expectedPlan?: string;
  /** TLS of the connections that look for a replication slot left on v1. */
  sslMode: SslMode;
}

export const CONFIRMATION = 'DELETE-V1';
