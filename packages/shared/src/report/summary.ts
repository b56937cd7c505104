import * as core from '@actions/core';
import { redact } from '../secrets/redact.js';
import { escapeHtml } from './escape.js';
import type { Report, VerdictOptions } from './report.js';

export type JobSummary = typeof core.summary;

/**
 * Append the report to the job summary: a heading, the verdict, and a table of every check with its
 * region. Outside a runner (no GITHUB_STEP_SUMMARY) there is no summary to write, and nothing is done:
 * actions print the report to the log themselves (`Report.toMarkdown`), on a runner or not.
 */
export async function writeReportSummary(
  report: Report,
  options: VerdictOptions,
  summary: JobSummary = core.summary,
): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) return;
  const header = ['Status', 'Check', 'Region', 'Resource', 'Detail'].map((data) => ({ data, header: true }));
  await summary
    .addHeading(escapeHtml(redact(report.title)), 2)
    .addRaw(`<p><strong>${escapeHtml(report.verdict(options))}</strong></p>`, true)
    .addTable([header, ...report.rows().map((row) => row.map(escapeHtml))])
    .write();
}
