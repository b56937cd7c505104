/** One object of pg_dump's plain output, as its `-- Name: …; Type: …; Schema: …` comment announces it. */
export interface DumpObject {
  /** e.g. `payments`, `payments payments_pkey` (table, then constraint), `touch()`. */
  name: string;
  /** pg_dump's object type: `TABLE`, `INDEX`, `CONSTRAINT`, `FK CONSTRAINT`, `TRIGGER`, `ACL`, … */
  type: string;
  /** `-` for objects outside a schema (schemas, extensions). */
  schema: string;
  /** The statements that create it (comments included; a trailing SET meant for the next object too). */
  sql: string;
}

export interface DumpScript {
  /** The SET statements before the first object: run on every session that executes objects. */
  prelude: string;
  objects: DumpObject[];
}

const RESTRICT = /^\\restrict ([A-Za-z0-9]+)$/m;
const HEADER = /^--\n-- Name: (.+?); Type: (.+?); Schema: (.+?); Owner: [^\n]*\n--\n/gm;

/**
 * pg_dump 15.14+ (and 16.10+, 17.6+) wraps plain output in psql meta-commands, `\restrict <key>` at the top
 * and `\unrestrict <key>` at the end, which only psql understands. Exactly those two lines, with the key
 * the script itself declares, are removed; anything else is left for the server to judge.
 */
export function stripRestrict(text: string): string {
  const key = RESTRICT.exec(text)?.[1];
  if (key === undefined) return text;
  return text
    .split('\n')
    .filter((line) => line !== `\\restrict ${key}` && line !== `\\unrestrict ${key}`)
    .join('\n');
}

/** Splits pg_dump's plain output into its prelude and one entry per object, in the dump's order. */
export function parseDumpScript(text: string): DumpScript {
  const script = stripRestrict(text);
  const headers = [...script.matchAll(HEADER)];
  const prelude = script.slice(0, headers[0]?.index ?? script.length);
  const objects = headers.map((header, i) => {
    const start = header.index!;
    const end = headers[i + 1]?.index ?? script.length;
    return { name: header[1]!, type: header[2]!, schema: header[3]!, sql: script.slice(start, end) };
  });
  return { prelude, objects };
}

/** `billing.payments_pkey (CONSTRAINT)`, for messages. */
export function describeObject(object: DumpObject): string {
  const name = object.schema === '-' ? object.name : `${object.schema}.${object.name}`;
  return `${name} (${object.type})`;
}
