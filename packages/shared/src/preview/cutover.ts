import type { AwsClients } from '../aws/clients.js';
import type { MigrationConfig } from '../config/types.js';
import { cutoverFingerprint } from '../cutover/fingerprint.js';
import { checkCutoverAllowed } from '../cutover/guards.js';
import { maskSecureValues, planCutover, type CutoverPlan, type RefreshSettings } from '../cutover/plan.js';
import type { LedgerView } from '../ledger/view.js';
import type { PlanFingerprint } from './fingerprint.js';

/*
 * What the cutover would do today, made by the cutover's own code: its guard on the ledger (v2's
 * health and the parity recorded, passed and fresh) and its plan (planCutover), with the fingerprint
 * the cutover compares with `expected-plan`. The plan is made even when the guard refuses today: the
 * reviewer sees what would change once the verdicts are in.
 */

export interface CutoverPreview {
  /** Undefined: the guard lets the cutover through today. */
  refusal?: string;
  /** A completed cutover stands: nothing would change. */
  alreadyCutOver?: string;
  plan?: CutoverPlan;
  fingerprint?: PlanFingerprint;
  /** Why no plan could be made (planCutover refused: a group refreshing, no v2 writer, …). */
  planProblem?: string;
}

export interface CutoverPreviewOptions {
  parameterRegions: string[];
  refresh: RefreshSettings;
  verificationMaxAgeHours: number;
  mask(secret: string): void;
}

export async function previewCutover(
  config: MigrationConfig,
  clients: AwsClients,
  view: LedgerView,
  options: CutoverPreviewOptions,
): Promise<CutoverPreview> {
  const guard = checkCutoverAllowed(view, {
    maxAgeHours: options.verificationMaxAgeHours,
    now: clients.awsNow(),
  });
  if (!guard.ok && guard.alreadyCutOver) return { alreadyCutOver: guard.reason };
  const refusal = guard.ok ? {} : { refusal: guard.reason };
  try {
    const plan = await planCutover(config, clients, {
      parameterRegions: options.parameterRegions,
      refresh: options.refresh,
    });
    // As the cutover masks them: a SecureString's value, before and after, never reaches a line.
    maskSecureValues(plan, options.mask);
    return { ...refusal, plan, fingerprint: cutoverFingerprint(plan) };
  } catch (error) {
    return { ...refusal, planProblem: (error as Error).message };
  }
}
