import type { Approvers, LedgerEvent } from '../ledger/event.js';
import type { LedgerView } from '../ledger/view.js';
import { CUTOVER_EVENTS } from '../cutover/state.js';
import type { ArchiveRecord } from './archives.js';
import { CLEANUP_EVENTS } from './events.js';

/*
 * Step 4.4's CHANGELOG entry, with the ledger's dates and the people GitHub recorded as approving each
 * gated step, instead of the guide's [START_DATE] and [NAME]. Where the ledger could not tell who
 * approved (no token, outside Actions), the entry says so and why: an honest gap, never a placeholder.
 */

export interface ChangelogFacts {
  environment: string;
  view: LedgerView;
  /** The cleanup's completion (cleanup-completed as recorded). */
  completed: LedgerEvent;
  cutover: LedgerEvent;
  archives: readonly ArchiveRecord[];
  deleted: readonly string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function changelogEntry(facts: ChangelogFacts): string {
  const { view, completed, cutover } = facts;
  const first = view.events[0] ?? cutover;
  const stable = (completed.at.getTime() - cutover.at.getTime()) / DAY_MS;
  const retainUntil = facts.archives
    .map((a) => a.retainUntil)
    .filter((d): d is string => !!d)
    .sort()[0];
  const gates = [
    approvalLine(
      'Cutover',
      view
        .ofType(CUTOVER_EVENTS.started)
        .filter((e) => e.sequence < cutover.sequence)
        .at(-1),
    ),
    approvalLine(
      'v1 cleanup',
      view
        .ofType(CLEANUP_EVENTS.started)
        .filter((e) => e.sequence < completed.sequence)
        .at(-1),
    ),
  ];
  const archives = facts.archives.map((a) =>
    a.kind === 'cluster-snapshot'
      ? `- Final snapshot of ${a.source} (${a.region}): ${a.identifier}, ${a.arn}, retained until ${a.retainUntil ?? 'no date recorded'}`
      : `- Export of ${a.source} (${a.region}): ${a.identifier} (${a.itemCount ?? 'unknown'} items), ${a.arn}`,
  );
  return [
    `## [v2.0.0] - ${day(completed.at)}`,
    '',
    '### Changed',
    `- Migrated the ${facts.environment} database resources to the v2 naming convention`,
    '- Completed a zero-downtime migration from v1 to v2',
    `- Deleted the v1 resources after a ${stable.toFixed(1)}-day stabilization period`,
    '',
    '### Migration Details',
    `- Migration started: ${day(first.at)} (ledger #${first.sequence}, ${first.type})`,
    `- Cutover completed: ${day(cutover.at)} (ledger #${cutover.sequence})`,
    `- v1 cleanup completed: ${day(completed.at)} (ledger #${completed.sequence})`,
    `- Final v1 backups retained until: ${retainUntil ?? 'no retention date was recorded'}`,
    ...archives,
    `- Deleted: ${facts.deleted.length > 0 ? facts.deleted.join(', ') : 'nothing (already deleted)'}`,
    '',
    '### Verified By',
    ...gates,
    '',
  ].join('\n');
}

function approvalLine(step: string, event: LedgerEvent | undefined): string {
  if (!event) return `- ${step}: no gated run of it is recorded in the ledger`;
  const run = event.run.url ? ` in ${event.run.url}` : '';
  return `- ${step} (ledger #${event.sequence}${run}): ${approvers(event.approvers)}`;
}

function approvers(record: Approvers): string {
  if (!record.known) return `approvers not recorded (${record.reason})`;
  const approved = record.reviews.filter((r) => r.state === 'approved');
  if (approved.length === 0) return 'no approval was recorded for the run';
  return approved.map((r) => `${r.login} (approved ${r.environments.join(', ')})`).join(', ');
}

function day(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The entry put before the first entry of an existing CHANGELOG, below its title if it has one. */
export function prependEntry(existing: string, entry: string): string {
  if (existing.trim() === '') return `# Changelog\n\n${entry}`;
  const lines = existing.split('\n');
  if (lines[0]?.startsWith('# ')) {
    let i = 1;
    while (i < lines.length && lines[i]!.trim() === '') i += 1;
    return [lines[0], '', entry.trimEnd(), '', ...lines.slice(i)].join('\n');
  }
  return `${entry.trimEnd()}\n\n${existing}`;
}
