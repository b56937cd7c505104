import type { CleanupResult } from '../cleanup/cleanup.js';
import { formatBytes } from '../data/postgres/copy/progress.js';
import { PARAMETER_MEANING } from '../cutover/targets.js';
import { escapeMarkdownCell } from '../report/escape.js';
import { statusLabels, type Check, type Report } from '../report/report.js';
import type { ParameterState, ParameterValue } from '../resources/app-parameters.js';
import { redact } from '../secrets/redact.js';
import { APPLY_TIME_GUARDS } from './cleanup.js';
import type { CutoverPreview } from './cutover.js';
import type { DataPreview, TableFigures } from './data.js';

/*
 * The preview as Markdown, for the sticky comment and the job summary: a table of the phases first (what
 * each would do today and its fingerprint), then each phase's plan. Any extra section (the Pulumi preview
 * guard of step 1.1) goes before Phase 1, as the guide's step 1.1 comes first. Every value goes through
 * `redact`, and a SecureString's value is never written at all, only `***`.
 */

export interface PreviewSection {
  /** A `###` heading. */
  title: string;
  /** Its Markdown, already escaped. */
  markdown: string;
  /** A one-line verdict for the phases table. */
  verdict?: string;
}

export interface PreviewContent {
  environment: string;
  /** The commit previewed (GITHUB_SHA), shown so a reviewer knows which push the plan belongs to. */
  commit?: string;
  verify: Report | { problem: string };
  data: DataPreview;
  cutover: CutoverPreview;
  /** Undefined: no archive bucket given, so the cleanup was not planned. */
  cleanup?: CleanupResult | { problem: string };
  extra?: PreviewSection[];
}

const cell = (text: string): string => escapeMarkdownCell(redact(text));
const code = (text: string): string => `\`${text.replace(/`/g, '')}\``;
const count = (n: number): string => Math.round(n).toLocaleString('en-US');
const plural = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`;

export function renderPreview(content: PreviewContent): string {
  const verify = verifySection(content.verify);
  const data = dataSection(content.data);
  const cutover = cutoverSection(content.cutover);
  const cleanup = cleanupSection(content.cleanup);
  const sections = [...(content.extra ?? []), verify, data, cutover, cleanup];
  const lines = [
    `## DB migration preview: ${cell(content.environment)}`,
    '',
    `Read-only: each phase's plan as it would run today${content.commit ? ` (commit ${code(content.commit.slice(0, 12))})` : ''}. ` +
      'Nothing was changed. Secret and SecureString values are never shown.',
    '',
    '| Phase | Today | Plan fingerprint |',
    '| --- | --- | --- |',
    ...sections.map(
      (s) => `| ${cell(s.title)} | ${cell(s.verdict ?? '—')} | ${fingerprintCell(s, content)} |`,
    ),
    '',
    'Pass a fingerprint to the phase as `expected-plan`: it refuses, changing nothing, when its plan is no longer this one.',
    '',
  ];
  for (const section of sections) lines.push(`### ${cell(section.title)}`, '', section.markdown, '');
  return redact(lines.join('\n'));
}

function fingerprintCell(section: PreviewSection, content: PreviewContent): string {
  if (section.title === CUTOVER_TITLE && content.cutover.fingerprint) {
    return code(content.cutover.fingerprint.value);
  }
  if (section.title === CLEANUP_TITLE && content.cleanup && 'fingerprint' in content.cleanup) {
    return content.cleanup.fingerprint ? code(content.cleanup.fingerprint.value) : '—';
  }
  return '—';
}

const VERIFY_TITLE = 'Phase 1: verify-v2 (what it checks in each Region)';
const DATA_TITLE = 'Phase 2: migrate-data (what it would copy)';
const CUTOVER_TITLE = 'Phase 3: cutover (what it would change)';
const CLEANUP_TITLE = 'Phase 4: cleanup-v1 (what it would delete)';

function checkRows(checks: readonly Check[]): string[] {
  return [
    '| Status | Check | Region | Resource | Detail |',
    '| --- | --- | --- | --- | --- |',
    ...checks.map((c) => {
      const label = statusLabels[c.status];
      return `| ${label.emoji} ${label.word} | ${cell(c.title)} | ${cell(c.region ?? '—')} | ${cell(c.resource ?? '—')} | ${cell(c.detail || '—')} |`;
    }),
  ];
}

function verifySection(verify: PreviewContent['verify']): PreviewSection {
  if ('problem' in verify) {
    return { title: VERIFY_TITLE, verdict: 'could not be checked', markdown: cell(verify.problem) };
  }
  const failing = verify.failing({ failOnWarning: false });
  return {
    title: VERIFY_TITLE,
    verdict:
      failing.length === 0 ? `healthy (${verify.tally()})` : `${failing.length} failing (${verify.tally()})`,
    markdown: checkRows(verify.checks).join('\n'),
  };
}

function dataSection(data: DataPreview): PreviewSection {
  const lines: string[] = [];
  let verdict: string;
  const pg = data.postgres;
  if ('problem' in pg) {
    lines.push(`PostgreSQL: could not be read: ${cell(pg.problem)}`);
    verdict = 'PostgreSQL unreadable';
  } else {
    const rows = pg.tables.reduce((sum, t) => sum + t.rows, 0);
    const bytes = pg.tables.reduce((sum, t) => sum + t.bytes, 0);
    const v2 = pg.v2WithRows;
    const v2Line = Array.isArray(v2)
      ? v2.length === 0
        ? 'v2 is empty: the copy would start on a clean target.'
        : `v2 is not empty: ${plural(v2.length, 'table')} already hold${v2.length === 1 ? 's' : ''} rows (${cell(v2.slice(0, 20).join(', '))}); migrate-data refuses unless allow-non-empty-target is true.`
      : `v2 could not be read: ${cell(v2.problem)}`;
    verdict = `${plural(pg.tables.length, 'table')}, about ${count(rows)} rows, ${formatBytes(bytes)}; ${Array.isArray(v2) ? (v2.length === 0 ? 'v2 empty' : 'v2 not empty') : 'v2 unreadable'}`;
    lines.push(
      `PostgreSQL: ${plural(pg.tables.length, 'table')} of v1, about ${count(rows)} rows and ${formatBytes(bytes)} by the catalog's estimates (pg_class.reltuples, pg_table_size; 0 rows for a table never analysed). ${v2Line}`,
      '',
      '| Table | Rows (estimate) | Size |',
      '| --- | --- | --- |',
      ...pg.tables.map((t) => `| ${cell(t.name)} | ${count(t.rows)} | ${formatBytes(t.bytes)} |`),
    );
  }
  const side = (label: string, t: TableFigures | { problem: string }) =>
    'problem' in t
      ? `| ${label} | — | ${cell(t.problem)} | — | — |`
      : `| ${label} | ${cell(t.name)} | ${cell(t.status)} | ${count(t.items)} | ${formatBytes(t.bytes)} |`;
  lines.push(
    '',
    "DynamoDB (DescribeTable's figures, refreshed by DynamoDB about every six hours):",
    '',
    '| Side | Table | Status | Items | Size |',
    '| --- | --- | --- | --- | --- |',
    side('v1 (copied from)', data.dynamodb.v1),
    side('v2 (copied into)', data.dynamodb.v2),
  );
  const v1 = data.dynamodb.v1;
  if (!('problem' in v1)) verdict += `; DynamoDB about ${count(v1.items)} items`;
  return { title: DATA_TITLE, verdict, markdown: lines.join('\n') };
}

function shown(state: ParameterState | ParameterValue): string {
  if ('exists' in state && !state.exists) return 'absent';
  const value = state.type === 'SecureString' ? '***' : state.value;
  return 'version' in state ? `${state.type} ${value} (version ${state.version})` : `${state.type} ${value}`;
}

function cutoverSection(cutover: CutoverPreview): PreviewSection {
  if (cutover.alreadyCutOver) {
    return {
      title: CUTOVER_TITLE,
      verdict: 'already cut over: nothing to do',
      markdown: cell(cutover.alreadyCutOver),
    };
  }
  const lines = [
    cutover.refusal
      ? `❌ Would refuse today: ${cell(cutover.refusal)}.`
      : '✅ Its guard lets it through today: v2 health and the parity are recorded, passed and fresh.',
    '',
  ];
  if (!cutover.plan) {
    lines.push(`No plan could be made: ${cell(cutover.planProblem ?? 'unknown')}`);
    return {
      title: CUTOVER_TITLE,
      verdict: cutover.refusal ? 'would refuse' : 'no plan',
      markdown: lines.join('\n'),
    };
  }
  const { plan, fingerprint } = cutover;
  const digests = new Map(fingerprint?.parts.map((p) => [p.label, p.digest]));
  lines.push(
    '| Parameter | Region | Meaning | Now | Becomes | Digest |',
    '| --- | --- | --- | --- | --- | --- |',
    ...plan.changes.map(
      (c) =>
        `| ${cell(c.name)} | ${cell(c.region)} | ${cell(PARAMETER_MEANING[c.key])} | ${cell(shown(c.before))} | ${cell(shown(c.after))} | ${code(digests.get(`${c.name} in ${c.region}`) ?? '—')} |`,
    ),
    '',
    `Then both Auto Scaling groups are refreshed together (MinHealthyPercentage ${plan.refresh.minHealthyPercentage}, InstanceWarmup ${plan.refresh.instanceWarmup} s):`,
    '',
    '| Group | Region | Reads the parameters of | Digest |',
    '| --- | --- | --- | --- |',
    ...plan.fleets.map(
      (f) =>
        `| ${cell(f.group)} | ${cell(f.region)} | ${cell([...new Set(Object.values(f.reads))].join(', '))} | ${code(digests.get(`refresh ${f.group} in ${f.region}`) ?? '—')} |`,
    ),
  );
  if (fingerprint) lines.push('', `Fingerprint (\`cutover-plan\`): ${code(fingerprint.value)}`);
  const changing = plan.changes.filter((c) => !c.before.exists || c.before.value !== c.after.value).length;
  return {
    title: CUTOVER_TITLE,
    verdict: `${cutover.refusal ? 'would refuse today; ' : ''}${changing} of ${plan.changes.length} parameter values change, ${plan.fleets.length} groups refreshed`,
    markdown: lines.join('\n'),
  };
}

function cleanupSection(cleanup: PreviewContent['cleanup']): PreviewSection {
  if (!cleanup) {
    return {
      title: CLEANUP_TITLE,
      verdict: 'not planned',
      markdown: 'Set `archive-bucket` (the bucket cleanup-v1 exports the v1 table to) to plan the cleanup.',
    };
  }
  if ('problem' in cleanup) {
    return { title: CLEANUP_TITLE, verdict: 'could not be planned', markdown: cell(cleanup.problem) };
  }
  const checks = cleanup.report.checks.filter((c) => !APPLY_TIME_GUARDS.has(c.id));
  const refusing = checks.filter((c) => c.status === 'fail');
  const digests = new Map(cleanup.fingerprint?.parts.map((p) => [p.label, p.digest]));
  const lines = [
    refusing.length > 0
      ? `❌ Would refuse today, by ${refusing.map((c) => code(c.id)).join(', ')}.`
      : cleanup.status === 'already-clean'
        ? `✅ ${cell(cleanup.reason ?? 'v1 is already deleted.')}`
        : '✅ No guard that reads the world would refuse today; the run still needs `confirm: DELETE-V1` and the `<env>-v1-cleanup` approval.',
    '',
    ...checkRows(checks),
  ];
  if (cleanup.plan.length > 0) {
    lines.push(
      '',
      'The deletion, in order, after the final archives are made and verified:',
      '',
      '| # | Region | Step | Digest |',
      '| --- | --- | --- | --- |',
      ...cleanup.plan.map(
        (s, i) =>
          `| ${i + 1} | ${cell(s.region)} | ${cell(s.description)} | ${code(digests.get(s.id) ?? '—')} |`,
      ),
    );
  }
  const steps = new Set(cleanup.plan.map((s) => s.id));
  const archives = cleanup.fingerprint?.parts.filter((p) => !steps.has(p.label)) ?? [];
  if (archives.length > 0) {
    lines.push(
      '',
      "The final archives made first (named after the deleting run, so this run's names above stand in for them):",
      '',
      ...archives.map((a) => `- ${cell(a.label)} ${code(a.digest)}`),
    );
  }
  if (cleanup.fingerprint)
    lines.push('', `Fingerprint (\`cleanup-plan\`): ${code(cleanup.fingerprint.value)}`);
  return {
    title: CLEANUP_TITLE,
    verdict:
      cleanup.status === 'already-clean'
        ? 'already deleted'
        : `${refusing.length > 0 ? `would refuse (${refusing.length} guard${refusing.length === 1 ? '' : 's'}); ` : ''}${cleanup.plan.length} steps`,
    markdown: lines.join('\n'),
  };
}
