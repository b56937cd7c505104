import { escapeMarkdownCell } from '../../report/index.js';
import type { PulumiVerdict } from './judge.js';

export const PULUMI_SECTION_TITLE = 'Pulumi preview (step 1.1)';

/** The one line of the preview's table of phases. */
export function pulumiVerdictLine(verdict: PulumiVerdict): string {
  if (verdict.passed) return `passes: v2 creates ${verdict.v2Created.length}, nothing of v1 is replaced`;
  const named = [...new Set(verdict.problems.map((p) => `${p.generation} ${p.name}`))];
  return named.length > 0 ? `refused: ${named.join(', ')}` : 'refused: the preview reported errors';
}

/** The guard's verdict as the body of a section of the preview comment and the job summary. */
export function renderPulumiVerdict(verdict: PulumiVerdict): string {
  const lines: string[] = [];
  lines.push(
    verdict.passed
      ? '✅ **Passed**: nothing of v1 is deleted, replaced or moved, and nothing of v2 is replaced.'
      : '❌ **Refused**: this infrastructure change would break v1 or v2. Change the code so that the preview shows none of these, then push again.',
    '',
  );
  if (verdict.problems.length > 0) {
    lines.push('| Resource | Type | Op | Why it is refused |', '| --- | --- | --- | --- |');
    for (const p of verdict.problems) {
      lines.push(
        `| ${cell(p.name)} (${p.generation}) | ${cell(p.type)} | ${cell(p.op)} | ${cell(p.reason)} |`,
      );
    }
    lines.push('');
  }
  for (const error of verdict.errors) lines.push(`- The preview reported an error: ${cell(error)}`);
  if (verdict.errors.length > 0) lines.push('');
  lines.push(
    verdict.v2Created.length > 0
      ? `v2 creates ${verdict.v2Created.length}: ${verdict.v2Created.map((r) => `\`${r.name}\` (${r.role})`).join(', ')}.`
      : 'v2 creates nothing in this preview.',
  );
  const others = verdict.changes.filter((c) => !verdict.problems.some((p) => p.urn === c.urn));
  if (others.length > 0) {
    lines.push('', `Other changes: ${others.map((c) => `${c.op} \`${c.name}\``).join(', ')}.`);
  }
  return lines.join('\n');
}

function cell(text: string): string {
  return escapeMarkdownCell(text);
}
