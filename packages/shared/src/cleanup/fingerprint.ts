import type { Check } from '../report/report.js';
import { fingerprintPlan, planChanged, type PlanFingerprint } from '../preview/fingerprint.js';
import type { ArchiveRecord } from './archives.js';
import type { PlanStep } from './plan.js';

/**
 * What a cleanup would do, as a fingerprint: every deletion step in order (its kind, Region and
 * resource) and every final archive it would make first (its kind, what it archives, where). Archive
 * identifiers are left out: they carry the run's token and differ on every run, while the plan does not.
 */
export function cleanupFingerprint(
  plan: readonly PlanStep[],
  archives: readonly ArchiveRecord[],
): PlanFingerprint {
  return fingerprintPlan('cleanup', [
    ...plan.map((step) => ({
      label: step.id,
      content: { kind: step.kind, region: step.region, resource: step.resource },
    })),
    ...archives.map((archive) => ({
      label: `${archive.kind} of ${archive.source} in ${archive.region}`,
      content: {
        kind: archive.kind,
        source: archive.source,
        region: archive.region,
        // Where an export lands is part of what it does; a snapshot stays in its Region.
        ...(archive.kind === 'table-export'
          ? { bucket: archive.identifier.replace(/^s3:\/\/([^/]+)\/.*$/, '$1') }
          : {}),
      },
    })),
  ]);
}

/**
 * The guard `expected-plan` adds: the deletion plan is the one the approved preview showed. Once a
 * deletion has begun (`deletionBegan`, its ledger sequence), a re-run after a crash finishes what is
 * left, which is less than the plan approved: the comparison belonged to the run that began it.
 */
export function planFingerprintCheck(expected: string, now: PlanFingerprint, deletionBegan?: number): Check {
  const base = {
    id: 'plan-fingerprint',
    title: 'The deletion plan is the one the approved preview showed (expected-plan)',
  };
  if (deletionBegan !== undefined) {
    return {
      ...base,
      status: 'skip',
      detail: `The deletion began at ledger #${deletionBegan}: this run finishes what is left of it, which is less than any plan previewed before it began.`,
    };
  }
  const changed = planChanged('cleanup', expected, now);
  return {
    ...base,
    status: changed ? 'fail' : 'pass',
    detail: changed ? `${changed}.` : `The plan's fingerprint is ${now.value}, as approved.`,
  };
}
