import * as core from '@actions/core';
import { escapeHtml } from '../report/escape.js';
import type { JobSummary } from '../report/summary.js';
import { redact } from '../secrets/redact.js';
import type { RollbackResult } from '../rollback/rollback.js';
import type { WritesAtRisk } from '../rollback/writes-at-risk.js';
import type { CutoverResult } from './cutover.js';
import { describeChange } from './plan.js';

/** The rollback workflow of this repository (issue-9 workflows), named in every message that says how to roll back. */
export function rollbackCommand(environment: string): string {
  return `the rollback workflow (gh workflow run rollback.yml -f environment=${environment}), or the rollback action with environment: ${environment}`;
}

type Cell = string | { data: string; header: true };
const header = (...names: string[]): Cell[] => names.map((data) => ({ data, header: true }));
const cell = (text: string) => escapeHtml(redact(text));

/** The job summary of a cutover: the plan, the refreshes, the bake's verdict and figures, and any rollback. */
export async function writeCutoverSummary(
  environment: string,
  result: CutoverResult,
  summary: JobSummary = core.summary,
): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) return;
  summary.addHeading(cell(`Phase 3 — cutover of ${environment}`), 2);
  if (result.nothingDone) summary.addRaw(`<p><strong>${cell(result.nothingDone)}</strong></p>`, true);
  if (result.plan) {
    summary.addHeading('Parameters', 3);
    summary.addList(result.plan.changes.map((c) => cell(describeChange(c))));
    summary.addHeading('Fleets', 3);
    summary.addList(
      result.plan.fleets.map((f) =>
        cell(`${f.group} (${f.region}) reads ${[...new Set(Object.values(f.reads))].join(', ')}`),
      ),
    );
  }
  if (result.writes) {
    const w = result.writes;
    summary.addHeading(cell(`Writes during the cutover: ${w.strategy}`), 3);
    summary.addList([
      ...(w.pauseMs !== undefined ? [cell(`write pause: ${w.pauseMs} ms (refresh excluded)`)] : []),
      ...(w.stopped
        ? [cell(`replication drained to ${w.stopped.lsn} and stopped; slot and subscription dropped`)]
        : []),
      cell(w.conflicts.length === 0 ? 'no conflict' : `conflicts: ${w.conflicts.join('; ')}`),
    ]);
  }
  if (result.bake) {
    summary.addHeading(cell(`Bake: ${result.bake.verdict}`), 3);
    summary.addTable([
      header('Check', 'Status', 'Detail'),
      ...result.bake.checks.map((c) => [cell(c.id), cell(c.status), cell(c.detail)]),
    ]);
  }
  if (result.rollback) addRollback(summary, result.rollback);
  await summary.write();
}

/** The job summary of a rollback: what was restored, how fast, the traffic proof and the writes at risk. */
export async function writeRollbackSummary(
  environment: string,
  result: RollbackResult,
  summary: JobSummary = core.summary,
): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) return;
  summary.addHeading(cell(`Step 3.4 — rollback of ${environment}`), 2);
  addRollback(summary, result);
  await summary.write();
}

function addRollback(summary: JobSummary, result: RollbackResult): void {
  if (result.nothingDone) summary.addRaw(`<p><strong>${cell(result.nothingDone)}</strong></p>`, true);
  if (result.writesAtRisk) addWritesAtRisk(summary, result.writesAtRisk);
  if (result.plan) {
    summary.addHeading('Parameters restored', 3);
    summary.addList(
      result.plan.writes.map((w) =>
        cell(
          `${w.region} ${w.name}: ${w.value ? `${w.value.type} ${w.value.type === 'SecureString' ? '***' : w.value.value}` : 'deleted'}`,
        ),
      ),
    );
  }
  const { parametersRestoredMs, trafficConfirmedMs } = result.timings;
  if (parametersRestoredMs !== undefined || trafficConfirmedMs !== undefined) {
    summary.addTable([
      header('Time to parameters restored', 'Time to traffic confirmed on v1'),
      [cell(seconds(parametersRestoredMs)), cell(seconds(trafficConfirmedMs))],
    ]);
  }
  if (result.traffic) summary.addRaw(`<p>${cell(result.traffic.detail)}</p>`, true);
}

function addWritesAtRisk(summary: JobSummary, risk: NonNullable<RollbackResult['writesAtRisk']>): void {
  summary.addHeading('Writes at risk (on v2 since the cutover, not on v1)', 3);
  if (risk.error) summary.addRaw(`<p>${cell(risk.error)}</p>`, true);
  const latest: WritesAtRisk | undefined = risk.afterTraffic ?? risk.beforeRestore;
  if (!latest) return;
  summary.addTable([
    header('Table', 'Rows when parity passed', 'Rows now', 'Written since cutover'),
    ...latest.tables.map((t) => [
      cell(t.table),
      cell(String(t.recorded ?? '—')),
      cell(String(t.now)),
      cell(String(t.written)),
    ]),
    ...(latest.items
      ? [
          [
            cell('DynamoDB items'),
            cell(String(latest.items.recorded ?? '—')),
            cell(String(latest.items.now)),
            cell(String(latest.items.written)),
          ],
        ]
      : []),
  ]);
  if (latest.notes.length > 0) summary.addList(latest.notes.map(cell));
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? '—' : `${(ms / 1000).toFixed(2)} s`;
}
