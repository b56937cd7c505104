import * as core from '@actions/core';
import { escapeHtml } from '../report/escape.js';
import type { JobSummary } from '../report/summary.js';
import { redact } from '../secrets/redact.js';
import type { MigrateResult } from './types.js';

type Cell = string | { data: string; header: true };

/** The figures of a run as table rows: backups, then tables copied. Shared by the summary and the log. */
export function resultTables(result: MigrateResult): { title: string; rows: string[][] }[] {
  const tables: { title: string; rows: string[][] }[] = [];
  if (result.backups.length > 0) {
    tables.push({
      title: 'Backups of v1',
      rows: [
        ['Kind', 'Region', 'Of', 'Identifier', 'ARN', 'Status'],
        ...result.backups.map((b) => [b.kind, b.region, b.resource, b.identifier, b.arn, b.status]),
      ],
    });
  }
  if (result.tables) {
    tables.push({
      title: 'PostgreSQL tables copied',
      rows: [
        ['Table', 'Rows', 'Bytes', 'Seconds', 'Rows/s'],
        ...Object.entries(result.tables).map(([name, t]) => [
          name,
          t.rows.toLocaleString('en-US'),
          t.bytes.toLocaleString('en-US'),
          t.seconds.toFixed(2),
          t.seconds > 0 ? Math.round(t.rows / t.seconds).toLocaleString('en-US') : '—',
        ]),
      ],
    });
  }
  if (result.items !== undefined) {
    tables.push({
      title: 'DynamoDB items copied',
      rows: [['Items'], [result.items.toLocaleString('en-US')]],
    });
  }
  const stream = result.tableReplication;
  if (stream) {
    tables.push({
      title: "v1's writes during the copy, carried by the table's stream",
      rows: [
        ['Stream', 'Changes read', 'Keys applied', 'Positions'],
        [
          stream.streamArn,
          stream.records.toLocaleString('en-US'),
          stream.keysApplied.toLocaleString('en-US'),
          stream.positions,
        ],
      ],
    });
  }
  return tables;
}

/** The job summary: the plan, then what was made and moved. Outside a runner there is none to write. */
export async function writeMigrateSummary(
  title: string,
  result: MigrateResult,
  summary: JobSummary = core.summary,
): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) return;
  summary.addHeading(escapeHtml(redact(title)), 2);
  if (result.dryRun)
    summary.addRaw('<p><strong>Dry run: the plan only, nothing was changed.</strong></p>', true);
  for (const step of result.plan) {
    summary.addHeading(`Plan: ${escapeHtml(step.step)}`, 3);
    summary.addList(step.lines.map((line) => escapeHtml(redact(line))));
  }
  for (const table of resultTables(result)) {
    summary.addHeading(escapeHtml(table.title), 3);
    const [header = [], ...rows] = table.rows;
    const cells: Cell[][] = [
      header.map((data) => ({ data, header: true })),
      ...rows.map((row) => row.map((cell) => escapeHtml(redact(cell || '—')))),
    ];
    summary.addTable(cells);
  }
  await summary.write();
}
