import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { PgDumpBinary } from './types.js';

const run = promisify(execFile);

/** A PostgreSQL major as a number that orders: 15 → 150000, 9.6 → 90600 (majors had two parts before 10). */
function majorKey(first: number, second: number): number {
  return first >= 10 ? first * 10000 : first * 10000 + second * 100;
}

/** `SHOW server_version_num` (150018) → its major's key and label (150000, "15"). */
export function serverMajor(versionNum: number): { key: number; label: string } {
  if (versionNum >= 100000) {
    const major = Math.floor(versionNum / 10000);
    return { key: major * 10000, label: String(major) };
  }
  const first = Math.floor(versionNum / 10000);
  const second = Math.floor(versionNum / 100) % 100;
  return { key: majorKey(first, second), label: `${first}.${second}` };
}

/** Where to get a pg_dump that can dump a server of this major, and the way around needing one. */
function installHint(major: string): string {
  return (
    `install a PostgreSQL ${major} (or newer) client, e.g. on Debian or Ubuntu \`apt-get install ` +
    `postgresql-client-${major}\` (from apt.postgresql.org when the distribution's is older), and put its ` +
    `pg_dump first on PATH or give its path; or use schema: existing, which checks a schema made by the ` +
    `application's migrations on v2 against v1 and needs no pg_dump`
  );
}

async function onPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; next directory
    }
  }
  return undefined;
}

/**
 * Finds pg_dump (the path given, else the first on PATH) and checks that it can dump v1: pg_dump refuses a
 * server of a newer major ("aborting because of server version mismatch"), so it must be at least v1's.
 * Returns the binary, or the problem in words an operator can act on.
 */
export async function checkPgDump(
  given: string | undefined,
  v1VersionNum: number,
): Promise<{ binary: PgDumpBinary } | { problem: string }> {
  const server = serverMajor(v1VersionNum);
  const found = given ?? (await onPath('pg_dump'));
  if (found === undefined) {
    return { problem: `schema: copy needs pg_dump and there is none on PATH; ${installHint(server.label)}` };
  }
  let output: string;
  try {
    // Nothing of the caller's environment: the version query needs no credentials.
    const result = await run(found, ['--version'], { env: { PATH: process.env.PATH ?? '', LC_ALL: 'C' } });
    output = result.stdout;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const reason =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'is not executable'
          : `failed (${(error as Error).message.trim()})`;
    return { problem: `schema: copy needs pg_dump and ${found} ${reason}; ${installHint(server.label)}` };
  }
  const match = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(output);
  if (!match) {
    return {
      problem: `${found} --version printed ${JSON.stringify(output.trim())}, not a pg_dump version; ${installHint(server.label)}`,
    };
  }
  const first = Number(match[1]);
  const second = Number(match[2] ?? 0);
  const version = match[2] === undefined ? match[1]! : `${match[1]}.${match[2]}`;
  const major = first >= 10 ? first : Number(`${first}.${second}`);
  if (majorKey(first, second) < server.key) {
    return {
      problem:
        `pg_dump at ${found} is version ${version}, older than v1's server (PostgreSQL ${server.label}): ` +
        `pg_dump cannot dump a newer server; ${installHint(server.label)}`,
    };
  }
  return { binary: { path: found, version, major } };
}
