import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { actionNames, renderTables, root, updateReadme } from '../scripts/readme-tables.js';

// The README's tables of inputs and outputs are action.yml's, as `npm run docs` writes them.

const readme = readFileSync(join(root, 'README.md'), 'utf8');

test('the README has the input and output tables of every action, as action.yml declares them', () => {
  expect(actionNames()).toContain('verify-v2');
  const current = updateReadme(readme);
  // On failure: run `npm run docs` and commit README.md.
  expect(readme).toBe(current);
});

test('a table that is not current, or a missing marker, is caught', () => {
  const stale = readme.replace(/(<!-- inputs: cutover -->\n(?:.*\n){2})(.*\n)/, '$1');
  expect(stale).not.toBe(readme);
  expect(updateReadme(stale)).toBe(readme);
  expect(() => updateReadme(readme.replace('<!-- end outputs: rollback -->', ''))).toThrow(
    /no "<!-- outputs: rollback -->" … "<!-- end outputs: rollback -->" block/,
  );
});

test('a description with a pipe stays in its cell; a required input says so', () => {
  const { inputs } = renderTables('cutover');
  expect(inputs).toMatch(/^\| `environment` \| \(required\) \| /m);
  for (const row of inputs.split('\n').slice(2)) {
    expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(5);
  }
});
