import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
// Types only: the parser is loaded by parseConfigText when there is a file, so that a run without one
// (the usual case) neither bundles it on the start-up path nor compiles it.
import type * as YamlModule from 'yaml';
import type { Document, Node } from 'yaml';
import { InputError } from '../errors/input-error.js';

type Yaml = typeof YamlModule;

type Leaf = 'string' | 'integer';

const generation = {
  secret: 'string',
  'global-cluster': 'string',
  'primary-cluster': 'string',
  'primary-instance': 'string',
  'dr-cluster': 'string',
  'dr-instance': 'string',
  table: 'string',
} as const satisfies Record<string, Leaf>;

/** Every key the config file may hold: sections, then keys within each section. */
export const configFileSchema = {
  regions: { primary: 'string', dr: 'string' },
  database: { name: 'string', user: 'string' },
  v1: generation,
  v2: generation,
  parameters: { endpoint: 'string', 'password-secret': 'string', 'dynamodb-table': 'string' },
  'auto-scaling-groups': { primary: 'string', dr: 'string' },
  aws: { 'max-attempts': 'integer', 'retry-mode': 'string' },
} as const satisfies Record<string, Record<string, Leaf>>;

type Schema = typeof configFileSchema;
type Section = keyof Schema;
/** A dotted key such as `v2.primary-cluster`. */
export type ConfigKey = { [S in Section]: `${S}.${keyof Schema[S] & string}` }[Section];
type KeysOfKind<K extends Leaf> = {
  [S in Section]: {
    [L in keyof Schema[S] & string]: Schema[S][L] extends K ? `${S}.${L}` : never;
  }[keyof Schema[S] & string];
}[Section];
export type StringKey = KeysOfKind<'string'>;
export type IntegerKey = KeysOfKind<'integer'>;

/** A value read from the file and the line it came from, so later checks can point at it. */
export interface Located<T> {
  value: T;
  line: number;
}

/** The values a config file sets; every key optional. */
export class ConfigFile {
  /** The path as the user gave it: messages quote it as written. */
  readonly path: string;
  private readonly values: ReadonlyMap<ConfigKey, Located<string | number>>;

  constructor(path: string, values: ReadonlyMap<ConfigKey, Located<string | number>>) {
    this.path = path;
    this.values = values;
  }

  string(key: StringKey): Located<string> | undefined {
    return this.values.get(key) as Located<string> | undefined;
  }

  integer(key: IntegerKey): Located<number> | undefined {
    return this.values.get(key) as Located<number> | undefined;
  }

  /** An InputError pointing at `line` of this file. */
  error(detail: string, line?: number): InputError {
    return new InputError(
      this.path,
      detail,
      line === undefined ? { file: this.path } : { file: this.path, line },
    );
  }
}

/** Read and check the file's shape: known keys only, each value of the right type. */
export async function readConfigFile(path: string, cwd: string): Promise<ConfigFile> {
  const absolute = resolve(cwd, path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    throw new InputError(
      path,
      `cannot be read (${readFailure(error)}; looked for ${absolute}). ` +
        "Expected the path of a YAML file, relative to the workspace, in the 'config' input.",
      { file: path },
    );
  }
  return parseConfigText(text, path);
}

/** Parse config file text; `path` is only used in messages. */
export async function parseConfigText(text: string, path: string): Promise<ConfigFile> {
  // A chunk of its own in the bundle (ncc splits at a dynamic import), read only here.
  const yaml: Yaml = await import('yaml');
  return parseWith(yaml, text, path);
}

function parseWith(yaml: Yaml, text: string, path: string): ConfigFile {
  const { isMap, isScalar } = yaml;
  const lineCounter = new yaml.LineCounter();
  const doc = yaml.parseDocument(text, { lineCounter, uniqueKeys: true });
  const fail = (detail: string, line?: number): InputError =>
    new InputError(path, detail, line === undefined ? { file: path } : { file: path, line });

  const syntax = doc.errors[0];
  if (syntax) {
    // The library's message ends with its own "at line L, column C:" and a code frame; keep the first sentence.
    const reason = (syntax.message.split('\n')[0] ?? syntax.message).replace(
      / at line \d+, column \d+:?$/,
      '',
    );
    const column = syntax.linePos?.[0].col;
    throw fail(
      `malformed YAML: ${reason}${column !== undefined ? ` (column ${column})` : ''}.`,
      syntax.linePos?.[0].line,
    );
  }

  const lineOf = (node: Node | null | undefined): number | undefined =>
    node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
  const values = new Map<ConfigKey, Located<string | number>>();
  const sections = Object.keys(configFileSchema) as Section[];

  const root = resolveAlias(yaml, doc.contents, doc);
  if (root === null || (isScalar(root) && root.value === null)) return new ConfigFile(path, values); // empty file
  if (!isMap(root)) {
    throw fail(
      `expected a mapping at the top level with keys ${sections.join(', ')}; got ${describe(yaml, root)}.`,
      lineOf(root),
    );
  }

  for (const pair of root.items) {
    const section = keyName(yaml, pair.key, fail, lineOf);
    const sectionLine = lineOf(pair.key as Node);
    if (!(section in configFileSchema)) {
      throw fail(
        `unknown key '${section}' at the top level; allowed keys: ${sections.join(', ')}.`,
        sectionLine,
      );
    }
    const shape: Record<string, Leaf> = configFileSchema[section as Section];
    const allowed = Object.keys(shape);
    const body = resolveAlias(yaml, pair.value as Node | null, doc);
    // A section whose entries are all commented out is empty, not an error.
    if (body === null || (isScalar(body) && body.value === null)) continue;
    if (!isMap(body)) {
      throw fail(
        `'${section}' must be a mapping with keys ${allowed.join(', ')}; got ${describe(yaml, body)}.`,
        lineOf(body) ?? sectionLine,
      );
    }
    for (const entry of body.items) {
      const key = keyName(yaml, entry.key, fail, lineOf);
      const keyLine = lineOf(entry.key as Node);
      const leaf = shape[key];
      if (leaf === undefined) {
        throw fail(`unknown key '${key}' under '${section}'; allowed keys: ${allowed.join(', ')}.`, keyLine);
      }
      const dotted = `${section}.${key}` as ConfigKey;
      const node = resolveAlias(yaml, entry.value as Node | null, doc);
      const line = lineOf(node) ?? keyLine ?? 1;
      const value = leafValue(yaml, dotted, leaf, node, (detail) => fail(detail, line));
      values.set(dotted, { value, line });
    }
  }
  return new ConfigFile(path, values);
}

function resolveAlias(yaml: Yaml, node: Node | null | undefined, doc: Document): Node | null {
  if (node === null || node === undefined) return null;
  return yaml.isAlias(node) ? ((node.resolve(doc) as Node | undefined) ?? null) : node;
}

function keyName(
  { isScalar }: Yaml,
  key: unknown,
  fail: (detail: string, line?: number) => InputError,
  lineOf: (node: Node | null | undefined) => number | undefined,
): string {
  if (isScalar(key) && (typeof key.value === 'string' || typeof key.value === 'number'))
    return String(key.value);
  throw fail('keys must be plain names such as regions or primary-cluster.', lineOf(key as Node));
}

function leafValue(
  yaml: Yaml,
  key: ConfigKey,
  leaf: Leaf,
  node: Node | null,
  fail: (detail: string) => InputError,
): string | number {
  const value: unknown = yaml.isScalar(node) ? node.value : undefined;
  if (leaf === 'integer') {
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    throw fail(`'${key}' must be a whole number; got ${describe(yaml, node)}.`);
  }
  if (typeof value === 'string') return value;
  const hint = typeof value === 'number' || typeof value === 'boolean' ? ' (quote it if you meant text)' : '';
  throw fail(`'${key}' must be a string; got ${describe(yaml, node)}${hint}.`);
}

/** How a YAML node reads to a person: "a list", "the number 12", "no value". */
function describe({ isMap, isScalar, isSeq }: Yaml, node: Node | null): string {
  if (node === null) return 'no value';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const value = node.value;
    if (value === null) return 'no value';
    if (typeof value === 'number') return `the number ${value}`;
    if (typeof value === 'boolean') return `the boolean ${value}`;
    if (typeof value === 'string') return `the text '${value}'`;
  }
  return 'an unsupported value';
}

function readFailure(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'it is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
