import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PostgresEndpoint } from '../connection.js';

/** libpq's .pgpass escaping: `:` and `\` inside a field are preceded by a backslash. */
function passField(value: string): string {
  return value.replace(/[\\:]/g, (c) => `\\${c}`);
}

/**
 * Runs `fn` with the path of a password file (libpq's PGPASSFILE) holding the endpoint's password, in a
 * private directory (0700) of its own, the file 0600 (libpq ignores a file others can read), both removed
 * afterwards whatever happens. This is how pg_dump gets the password: never in its arguments, where every
 * user of the machine can read it in /proc/<pid>/cmdline, and never in PGPASSWORD, which lands in
 * /proc/<pid>/environ and in any environment dump.
 */
export async function withPassfile<T>(
  endpoint: PostgresEndpoint,
  fn: (passfile: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dbmig-pgpass-'));
  try {
    await chmod(dir, 0o700);
    const file = path.join(dir, 'pgpass');
    const line = [endpoint.host, String(endpoint.port), endpoint.database, endpoint.user, endpoint.password]
      .map(passField)
      .join(':');
    await writeFile(file, `${line}\n`, { mode: 0o600, flag: 'wx' });
    return await fn(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
