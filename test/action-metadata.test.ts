import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

// Every action's metadata as the runner and the Marketplace read it, and its input/output names declared
// once in src/inputs.ts: a name that differs between the two would silently read an empty input.

interface ActionYaml {
  name?: string;
  description?: string;
  branding?: { icon?: string; color?: string };
  inputs?: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description?: string }>;
  runs?: { using?: string; main?: string };
}

const root = join(import.meta.dirname, '..');
const actions = readdirSync(join(root, 'actions')).filter((name) =>
  existsSync(join(root, 'actions', name, 'action.yml')),
);

test('there is at least one action', () => {
  expect(actions).toContain('verify-v2');
});

describe.each(actions)('actions/%s', (name) => {
  const dir = join(root, 'actions', name);
  const meta = parse(readFileSync(join(dir, 'action.yml'), 'utf8')) as ActionYaml;

  it('runs on node24 from a committed bundle', () => {
    expect(meta.runs?.using).toBe('node24');
    expect(meta.runs?.main).toBe('dist/index.js');
    expect(existsSync(join(dir, 'dist', 'index.js'))).toBe(true);
    // ncc emits ESM: without this file next to it, node would read index.js as CommonJS.
    expect(JSON.parse(readFileSync(join(dir, 'dist', 'package.json'), 'utf8'))).toEqual({ type: 'module' });
  });

  it('has a name, a description and branding', () => {
    expect(meta.name).toBeTruthy();
    expect(meta.description).toBeTruthy();
    expect(meta.branding?.icon).toBeTruthy();
    expect(meta.branding?.color).toBeTruthy();
  });

  it('describes every input and output', () => {
    for (const [input, spec] of Object.entries(meta.inputs ?? {})) {
      expect(`${input}: ${spec.description ?? ''}`).toMatch(/^[\w-]+: \S.{10,}/);
    }
    for (const [output, spec] of Object.entries(meta.outputs ?? {})) {
      expect(`${output}: ${spec.description ?? ''}`).toMatch(/^[\w-]+: \S.{10,}/);
    }
  });

  it('declares exactly the inputs and outputs its code reads and writes', async () => {
    const names = (await import(join(dir, 'src', 'inputs.ts'))) as {
      Inputs: Record<string, string>;
      Outputs: Record<string, string>;
    };
    expect(Object.values(names.Inputs).sort()).toEqual(Object.keys(meta.inputs ?? {}).sort());
    expect(Object.values(names.Outputs).sort()).toEqual(Object.keys(meta.outputs ?? {}).sort());
  });
});
