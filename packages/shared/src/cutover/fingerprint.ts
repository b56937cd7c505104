import { digestValue, fingerprintPlan, type PlanFingerprint } from '../preview/fingerprint.js';
import type { CutoverPlan } from './plan.js';

/**
 * What a cutover would do, as a fingerprint: each parameter's name and Region with the hashes of its
 * current and target values (a SecureString's value never appears), and each group that would be
 * refreshed with the Regions it would read. Parameter versions are left out: a rewrite of the same value
 * changes nothing the cutover does.
 */
export function cutoverFingerprint(plan: CutoverPlan): PlanFingerprint {
  return fingerprintPlan('cutover', [
    ...plan.changes.map((change) => ({
      label: `${change.name} in ${change.region}`,
      content: {
        name: change.name,
        region: change.region,
        before: change.before.exists
          ? { type: change.before.type, value: digestValue(change.before.value) }
          : 'absent',
        after: { type: change.after.type, value: digestValue(change.after.value) },
      },
    })),
    ...plan.fleets.map((fleet) => ({
      label: `refresh ${fleet.group} in ${fleet.region}`,
      content: { group: fleet.group, region: fleet.region, reads: fleet.reads },
    })),
  ]);
}
