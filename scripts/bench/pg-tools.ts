/**
 * The PostgreSQL client programs the copy benchmark compares with (pg_dump, pg_restore, pgcopydb): how
 * they are found or installed, and how they are run. The password reaches them the way it reaches the
 * toolkit's own pg_dump: in a 0600 password file (PGPASSFILE) only, never in an argument, where any user
 * reads it in /proc/<pid>/cmdline, nor in the environment (PGPASSWORD).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PostgresEndpoint } from '@dbmig/shared';

/** libpq's .pgpass escaping: `:` and `\` inside a field are preceded by a backslash. */
const passField = (value: string): string => value.replace(/[\\:]/g, (c) => `\\${c}`);

/** A private directory (0700) for one tool run: its password file and whatever work files it writes. */
export async function withWorkDir<T>(
  endpoints: readonly PostgresEndpoint[],
  fn: (dir: string, passfile: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dbmig-bench-'));
  try {
    await chmod(dir, 0o700);
    const passfile = path.join(dir, 'pgpass');
    const lines = endpoints.map((e) =>
      [e.host, String(e.port), e.database, e.user, e.password].map(passField).join(':'),
    );
    await writeFile(passfile, `${lines.join('\n')}\n`, { mode: 0o600, flag: 'wx' });
    return await fn(dir, passfile);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `postgresql://user@host:port/db?sslmode=disable`: a connection string with no password in it. */
export function connectionUri(endpoint: PostgresEndpoint): string {
  const user = encodeURIComponent(endpoint.user);
  const database = encodeURIComponent(endpoint.database);
  return `postgresql://${user}@${endpoint.host}:${endpoint.port}/${database}?sslmode=${endpoint.sslMode}`;
}

/** A child's whole environment, built rather than inherited: nothing of this process's leaks into it. */
export function toolEnvironment(dir: string, passfile: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: dir,
    TMPDIR: dir,
    LC_ALL: 'C',
    PGPASSFILE: passfile,
    PGCONNECT_TIMEOUT: '10',
  };
}

/** Keeps the end of a child's output: enough for its error, bounded if it is chatty. */
const OUTPUT_LIMIT = 8 * 1024;

/** Runs a program to its end; rejects naming it, its exit status and the end of what it printed. */
export function runTool(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (error) => reject(new Error(`cannot run ${command}: ${error.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) return resolve();
      const how = signal ? `was killed by ${signal}` : `exited with ${code}`;
      reject(new Error(`${command} ${args[0] ?? ''} ${how}:\n${output.trim() || '(no output)'}`));
    });
  });
}

/** The first line of `<command> --version`, or undefined when it is not on PATH. */
export function versionOf(command: string): string | undefined {
  const result = spawnSync(command, ['--version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  // pgcopydb logs its banner on stderr and the version on stdout.
  return result.stdout
    .split('\n')
    .find((line) => line.trim() !== '')
    ?.trim();
}

/**
 * pgcopydb, installed from Debian's package when it is missing and this process is root (with
 * `apt-get update` first if the install fails on stale package lists). Undefined, with the reason
 * printed, when it cannot be had: the benchmark then skips it.
 */
export function ensurePgcopydb(log: (line: string) => void): string | undefined {
  const found = versionOf('pgcopydb');
  if (found) return found;
  if (process.getuid?.() !== 0) {
    log('pgcopydb: not installed and not root, skipped (install it with: sudo apt-get install -y pgcopydb)');
    return undefined;
  }
  const install = () =>
    spawnSync('apt-get', ['install', '-y', 'pgcopydb'], {
      encoding: 'utf8',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  log('pgcopydb: not installed; running apt-get install -y pgcopydb');
  let result = install();
  if (result.status !== 0) {
    log('pgcopydb: the install failed; running apt-get update, then the install again');
    spawnSync('apt-get', ['update'], { encoding: 'utf8' });
    result = install();
  }
  const version = versionOf('pgcopydb');
  if (!version) {
    log(`pgcopydb: could not be installed, skipped: ${(result.stderr || result.stdout).trim().slice(-500)}`);
  }
  return version;
}
