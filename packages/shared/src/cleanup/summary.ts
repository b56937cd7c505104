import * as core from '@actions/core';
import { escapeHtml } from '../report/escape.js';
import type { JobSummary } from '../report/summary.js';
import { redact } from '../secrets/redact.js';
import type { CleanupResult } from './cleanup.js';
import { deletionsOf } from './execute.js';

type Cell = string | { data: string; header: true };
const header = (...names: string[]): Cell[] => names.map((data) => ({ data, header: true }));
const cell = (text: string) => escapeHtml(redact(text));

const HEADLINE: Record<CleanupResult['status'], string> = {
  refused: '❌ Refused: nothing was changed',
  planned: '📝 Dry run: the plan below, nothing changed',
  deleted: '✅ v1 deleted',
  'already-clean': '✅ v1 was already deleted',
  failed: '❌ The deletion stopped part-way: see what was done and what remains',
};

/** The `deleted` output: every resource deleted (or, for the secret, scheduled), in the plan's order. */
export function deletedOutput(
  result: CleanupResult,
): { kind: string; region: string; resource: string; by: string }[] {
  return deletionsOf(result.plan, result.done).map((d) => ({
    kind: d.step.kind,
    region: d.step.region,
    resource: d.step.resource,
    by: d.outcome === 'done' ? 'this run' : 'an earlier try',
  }));
}

/** The job summary of a cleanup: the verdict, every guard, the plan with each step's state, the archives, the CHANGELOG entry. */
export async function writeCleanupSummary(
  environment: string,
  result: CleanupResult,
  summary: JobSummary = core.summary,
): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) return;
  summary.addHeading(cell(`Phase 4 — cleanup of v1 in ${environment}`), 2);
  summary.addRaw(`<p><strong>${cell(HEADLINE[result.status])}</strong></p>`, true);
  if (result.reason) summary.addRaw(`<p>${cell(result.reason)}</p>`, true);
  if (result.stabilisation && result.status === 'refused') {
    summary.addRaw(
      `<p>${cell(`Stabilisation: ${result.stabilisation.days.toFixed(1)} days; allowed from ${result.stabilisation.allowedFrom.toISOString()} (AWS's clock).`)}</p>`,
      true,
    );
  }
  summary.addHeading('Guards', 3);
  summary.addTable([
    header('Status', 'Check', 'Region', 'Resource', 'Detail'),
    ...result.report.rows().map((row) => row.map(escapeHtml)),
  ]);
  if (result.plan.length > 0) {
    const state = new Map(
      result.done.map((d) => [d.step.id, d.outcome === 'done' ? 'done' : 'already done']),
    );
    const remaining = new Set(result.remaining.map((s) => s.id));
    summary.addHeading('Deletion plan, in order', 3);
    summary.addTable([
      header('#', 'Region', 'Step', 'State'),
      ...result.plan.map((step, i) => [
        String(i + 1),
        cell(step.region),
        cell(step.description),
        cell(
          state.get(step.id) ??
            (remaining.has(step.id) ? (result.status === 'planned' ? 'planned' : 'not done') : ''),
        ),
      ]),
    ]);
  }
  if (result.archives.length > 0) {
    summary.addHeading('Final archives', 3);
    summary.addTable([
      header('Archive', 'Of', 'Region', 'ARN', 'State'),
      ...result.archives.map((a) => [
        cell(a.identifier),
        cell(a.source),
        cell(a.region),
        cell(a.arn),
        cell(
          `${a.state}${a.reused ? ' (recorded earlier)' : ''}${a.itemCount !== undefined ? `, ${a.itemCount} items` : ''}`,
        ),
      ]),
    ]);
  }
  if (result.changelog) {
    summary.addHeading('CHANGELOG entry', 3);
    summary.addCodeBlock(redact(result.changelog), 'markdown');
  }
  await summary.write();
}
