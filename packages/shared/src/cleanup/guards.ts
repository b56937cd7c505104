import type { MigrationConfig } from '../config/types.js';
import { cutoverState } from '../cutover/state.js';
import type { Approvers, LedgerEvent } from '../ledger/event.js';
import type { LedgerView } from '../ledger/view.js';
import type { Check } from '../report/report.js';
import type { V1Inventory } from './inventory.js';
import type { LockVerdict } from './lock.js';
import { CONFIRMATION } from './options.js';

/*
 * The guards of Phase 4 that need nothing but what has been read: each one a check in the report, all
 * of them evaluated before anything changes, every failing one reported at once.
 */

/** Guard 4: a completed cutover stands, with no rollback (or failure) after it. */
export function completedCutover(view: LedgerView): { completed?: LedgerEvent; check: Check } {
  const base = { id: 'cutover-completed', title: 'A completed cutover to v2 stands in the ledger' };
  const state = cutoverState(view);
  if (state.phase === 'not-cut-over') {
    return {
      check: {
        ...base,
        status: 'fail',
        detail: 'The ledger has no cutover: v1 is still the database the applications were last pointed at.',
      },
    };
  }
  if (state.phase === 'rolled-back') {
    return {
      check: {
        ...base,
        status: 'fail',
        detail:
          `The last cutover (ledger #${state.started.sequence}) was rolled back at ` +
          `${state.rolledBack.at.toISOString()} (#${state.rolledBack.sequence}): v1 is serving again.`,
      },
    };
  }
  if (!state.completed) {
    return {
      check: {
        ...base,
        status: 'fail',
        detail: `The cutover started at ledger #${state.started.sequence} never completed.`,
      },
    };
  }
  if (state.failed || state.rollbackStarted) {
    const after = (state.failed ?? state.rollbackStarted)!;
    return {
      check: {
        ...base,
        status: 'fail',
        detail:
          `The cutover completed (#${state.completed.sequence}) but ${after.type} followed it (#${after.sequence}): ` +
          `finish the rollback or cut over again first.`,
      },
    };
  }
  const bake = state.bake ? String(state.bake.data['verdict']) : undefined;
  if (bake === 'failed') {
    return {
      completed: state.completed,
      check: {
        ...base,
        status: 'fail',
        detail: `The cutover's bake failed (ledger #${state.bake!.sequence}) and it was not rolled back.`,
      },
    };
  }
  return {
    completed: state.completed,
    check: {
      ...base,
      status: bake === 'passed' ? 'pass' : 'warn',
      detail:
        `Cut over at ${state.completed.at.toISOString()} (ledger #${state.completed.sequence}); ` +
        (bake ? `its bake ${bake}.` : 'no bake verdict was recorded.'),
    },
  };
}

/** Guard 5: the typed confirmation, compared exactly. A dry run needs none, but a wrong one still fails. */
export function confirmationCheck(confirm: string, dryRun: boolean): Check {
  const base = { id: 'confirmation', title: `The confirm input is exactly ${CONFIRMATION}` };
  if (confirm === CONFIRMATION) return { ...base, status: 'pass', detail: 'Confirmed.' };
  if (dryRun && confirm === '') {
    return {
      ...base,
      status: 'skip',
      detail: `Not needed for a dry run; deleting needs confirm: ${CONFIRMATION}.`,
    };
  }
  return {
    ...base,
    status: 'fail',
    detail:
      `confirm is ${confirm === '' ? 'empty' : `'${confirm}'`}: type exactly ${CONFIRMATION} (capitals, ` +
      `one hyphen, no spaces) to delete v1.`,
  };
}

/** What GitHub says of the job's environment gate (github/environment.ts), and of this run's reviews. */
export type GateReading =
  | { inActions: false }
  | {
      inActions: true;
      environment: string;
      protection:
        | { state: 'protected'; reviewers: string[] }
        | { state: 'unprotected' | 'missing' | 'unreadable'; reason: string };
      approvers: Approvers;
    };

/** Guard 6: in Actions, the job runs behind an environment with required reviewers, and was approved there. */
export function approvalGateCheck(gate: GateReading): Check {
  const base = { id: 'approval-gate', title: 'The job is gated by an environment with required reviewers' };
  if (!gate.inActions) {
    return {
      ...base,
      status: 'skip',
      detail: 'Not running in GitHub Actions: there is no environment gate; the confirm input stands alone.',
    };
  }
  const { environment, protection, approvers } = gate;
  if (protection.state !== 'protected') {
    return {
      ...base,
      resource: environment,
      status: 'fail',
      detail: `${protection.reason} Give ${environment} required reviewers (Settings → Environments) before deleting v1.`,
    };
  }
  if (!approvers.known) {
    return {
      ...base,
      resource: environment,
      status: 'fail',
      detail: `${environment} requires ${protection.reviewers.join(', ')}, but this run's approvals cannot be read: ${approvers.reason}.`,
    };
  }
  const approved = approvers.reviews.filter(
    (r) => r.state === 'approved' && r.environments.includes(environment),
  );
  if (approved.length === 0) {
    return {
      ...base,
      resource: environment,
      status: 'fail',
      detail:
        `${environment} requires ${protection.reviewers.join(', ')}, but no approval of it is recorded for this ` +
        `run: the job must declare \`environment: ${environment}\` so that GitHub holds it for review.`,
    };
  }
  return {
    ...base,
    resource: environment,
    status: 'pass',
    detail: `Approved by ${approved.map((r) => r.login).join(', ')} (required: ${protection.reviewers.join(', ')}).`,
  };
}

/** Guard 9: everything to delete is v1 by the configured names, and no v1 name is also a v2 name. */
export function inventoryCheck(config: MigrationConfig, inventory: V1Inventory): Check {
  const base = { id: 'inventory-is-v1', title: 'Everything to delete is v1 by the configured names' };
  const problems = inventory.strangers.map(
    (s) => `${s.resource}${s.region ? ` (${s.region})` : ''} ${s.why}`,
  );
  const v2 = new Set(Object.values(config.v2).map((n) => n.toLowerCase()));
  for (const [key, name] of Object.entries(config.v1)) {
    if (v2.has(name.toLowerCase())) problems.push(`the v1 name ${key} = ${name} is also a v2 name`);
  }
  if (problems.length > 0) {
    return {
      ...base,
      status: 'fail',
      detail: `${problems.join('; ')}. Nothing is deleted while the inventory holds what the naming does not account for.`,
    };
  }
  const count =
    inventory.clusters.length +
    inventory.clusters.reduce((n, c) => n + c.instances.length, 0) +
    (inventory.globalCluster ? 1 : 0) +
    (inventory.table ? 1 + inventory.table.replicas.length : 0) +
    (inventory.secret ? 1 : 0);
  return { ...base, status: 'pass', detail: `${count} v1 resources found, each named as v1.` };
}

/** Guard 10: no other migration job holds the environment's lock. */
export function lockCheck(verdict: LockVerdict): Check {
  const base = { id: 'environment-lock', title: "No other migration job holds the environment's lock" };
  if (!verdict.free) return { ...base, status: 'fail', detail: verdict.reason };
  if (verdict.resumes) {
    return {
      ...base,
      status: 'pass',
      detail: `This run's earlier try took it (ledger #${verdict.resumes.sequence}): resuming.`,
    };
  }
  if (verdict.takesOver) {
    return {
      ...base,
      status: 'warn',
      detail: `Taking over the lock of the cleanup at ledger #${verdict.takesOver.sequence} (break-lock).`,
    };
  }
  return { ...base, status: 'pass', detail: 'Free.' };
}

/** Guard 11: deletion protection may be turned off only when the input allows it. */
export function deletionProtectionCheck(inventory: V1Inventory, allowed: boolean): Check {
  const base = { id: 'deletion-protection', title: 'Deletion protection is off, or may be turned off' };
  const protectedOnes = [
    ...inventory.clusters.filter((c) => c.deletionProtection).map((c) => `${c.identifier} (${c.region})`),
    ...(inventory.globalCluster?.deletionProtection
      ? [`${inventory.globalCluster.identifier} (global)`]
      : []),
  ];
  // The table's protection is never turned off by the cleanup: the table is deleted last of the data,
  // after the clusters, and a refusal there would leave v1 half deleted. It is refused here instead.
  const table = inventory.table?.deletionProtection ? inventory.table : undefined;
  if (table) {
    return {
      ...base,
      status: 'fail',
      resource: table.name,
      detail:
        `The v1 table ${table.name} has deletion protection on, which the cleanup does not turn off. If it is to ` +
        `go, turn it off first: aws dynamodb update-table --region ${table.region} --table-name ${table.name} ` +
        `--no-deletion-protection-enabled` +
        (protectedOnes.length > 0 ? ` (also protected: ${protectedOnes.join(', ')}).` : '.'),
    };
  }
  if (protectedOnes.length === 0) return { ...base, status: 'pass', detail: 'No v1 resource is protected.' };
  if (allowed) {
    return {
      ...base,
      status: 'pass',
      detail: `Protected: ${protectedOnes.join(', ')}; allow-disable-deletion-protection is true, so it is turned off just before each is deleted.`,
    };
  }
  return {
    ...base,
    status: 'fail',
    detail: `Deletion protection is on for ${protectedOnes.join(', ')}. Set allow-disable-deletion-protection: true to let the cleanup turn it off.`,
  };
}

/** Guard 12: a dry run stops here, successfully, with nothing changed. */
export function dryRunCheck(): Check {
  return {
    id: 'dry-run',
    title: 'dry-run is false',
    status: 'skip',
    detail: 'Dry run: the plan below is what a run with dry-run: false would do. Nothing was changed.',
  };
}
