/**
 * The README's input and output tables, generated from each action's action.yml so that they can never
 * drift from what the runner reads: `npm run docs` rewrites them in place, and test/readme-tables.test.ts
 * fails CI when the README is not what this would write. Each table sits between two markers,
 * `<!-- inputs: <action> -->` … `<!-- end inputs: <action> -->` (and the same for outputs); the prose
 * around them stays hand-written.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';

interface ActionYaml {
  inputs?: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description?: string }>;
}

export const root = join(import.meta.dirname, '..');

/** The folders under actions/ that hold an action. */
export function actionNames(base = root): string[] {
  return readdirSync(join(base, 'actions'))
    .filter((name) => existsSync(join(base, 'actions', name, 'action.yml')))
    .sort();
}

/** A description as one table cell: one line, and a `|` that does not split the row. */
function cell(text: string | undefined): string {
  return (text ?? '')
    .trim()
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|');
}

function defaultCell(input: { required?: boolean; default?: string }): string {
  if (input.required) return '(required)';
  if (input.default === undefined || input.default === '') return '(empty)';
  return `\`${String(input.default).replace(/\|/g, '\\|')}\``;
}

export function renderTables(action: string, base = root): { inputs: string; outputs: string } {
  const meta = parse(readFileSync(join(base, 'actions', action, 'action.yml'), 'utf8')) as ActionYaml;
  const inputs = Object.entries(meta.inputs ?? {}).map(
    ([name, input]) => `| \`${name}\` | ${defaultCell(input)} | ${cell(input.description)} |`,
  );
  const outputs = Object.entries(meta.outputs ?? {}).map(
    ([name, output]) => `| \`${name}\` | ${cell(output.description)} |`,
  );
  return {
    inputs: ['| Input | Default | Meaning |', '| --- | --- | --- |', ...inputs].join('\n'),
    outputs: ['| Output | Value |', '| --- | --- |', ...outputs].join('\n'),
  };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The README with every marked table replaced by the one action.yml gives; throws on a missing marker. */
export function updateReadme(readme: string, base = root): string {
  let text = readme;
  for (const action of actionNames(base)) {
    const tables = renderTables(action, base);
    for (const kind of ['inputs', 'outputs'] as const) {
      const start = `<!-- ${kind}: ${action} -->`;
      const end = `<!-- end ${kind}: ${action} -->`;
      const block = new RegExp(`${escapeRegExp(start)}\\n[\\s\\S]*?${escapeRegExp(end)}`);
      if (!block.test(text)) {
        throw new Error(
          `README.md has no "${start}" … "${end}" block: add the two markers where actions/${action}'s ${kind} ` +
            'table belongs, then run `npm run docs`.',
        );
      }
      text = text.replace(block, () => `${start}\n${tables[kind]}\n${end}`);
    }
  }
  return text;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = join(root, 'README.md');
  const before = readFileSync(file, 'utf8');
  const after = updateReadme(before);
  if (after !== before) writeFileSync(file, after);
  console.log(
    after === before ? 'README.md tables are current.' : 'README.md tables rewritten from action.yml.',
  );
}
