import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';

export interface ActionInput {
  /** The name as written in action.yml. */
  name: string;
  required: boolean;
  /** `default:` as the runner passes it: always a string. */
  default?: string;
}

export interface ActionMetadata {
  /** Absolute path of the action's folder. */
  dir: string;
  /** Absolute path of action.yml (or action.yaml). */
  file: string;
  using: string;
  /** Absolute path of `runs.main`. */
  main: string;
  pre?: string;
  post?: string;
  inputs: ActionInput[];
  outputs: string[];
}

/** The environment variable the runner sets for an input: uppercased, spaces → `_`, hyphens kept. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export async function readActionMetadata(actionDir: string): Promise<ActionMetadata> {
  const dir = path.resolve(actionDir);
  const { file, text } = await readFirst([path.join(dir, 'action.yml'), path.join(dir, 'action.yaml')]);
  const doc: unknown = parse(text);
  const runs = field(doc, 'runs');
  const using = field(runs, 'using');
  const main = field(runs, 'main');
  if (typeof using !== 'string' || typeof main !== 'string' || main === '') {
    throw new Error(
      `${file}: runs.using and runs.main must be strings (this harness runs JavaScript actions)`,
    );
  }
  const optional = (key: string): string | undefined => {
    const value = field(runs, key);
    return typeof value === 'string' ? path.join(dir, value) : undefined;
  };
  return {
    dir,
    file,
    using,
    main: path.join(dir, main),
    pre: optional('pre'),
    post: optional('post'),
    inputs: Object.entries(record(field(doc, 'inputs'))).map(([name, spec]) => {
      const fallback = field(spec, 'default');
      return {
        name,
        required: field(spec, 'required') === true || field(spec, 'required') === 'true',
        default: fallback === undefined || fallback === null ? undefined : String(fallback),
      };
    }),
    outputs: Object.keys(record(field(doc, 'outputs'))),
  };
}

async function readFirst(candidates: string[]): Promise<{ file: string; text: string }> {
  for (const file of candidates) {
    try {
      return { file, text: await readFile(file, 'utf8') };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  throw new Error(`no action.yml or action.yaml in ${path.dirname(candidates[0] ?? '.')}`);
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
