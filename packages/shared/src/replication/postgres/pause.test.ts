import { startPostgres, type PostgresServer } from '@dbmig/sandbox';
import pg from 'pg';
import { connectPostgres, type PostgresEndpoint } from '../../data/postgres/connection.js';
import { endpointOf } from '../../data/postgres/copy/copy.fixture.js';
import { pauseWrites, remainingWriters, resumeWrites } from './pause.js';
import { applicationSessions } from './sessions.js';
import { replicationNames } from './names.js';

// The pause of a strict cutover on a real PostgreSQL 15: the application role's write privileges on the
// published tables revoked and its sessions ended, so that an open transaction cannot commit; refused
// (and granted back) when the role could still write another way; everything granted back after.

const names = replicationNames('pause');
const tables = [
  { schema: 'public', name: 'items' },
  { schema: 'public', name: 'notes' },
];
let server: PostgresServer;
let endpoint: PostgresEndpoint;

beforeAll(async () => {
  server = await startPostgres({ name: 'pause', settings: { wal_level: 'logical' } });
  endpoint = endpointOf(server, 'v1');
  await server.session((c) =>
    c.query(`CREATE TABLE items (id bigint PRIMARY KEY, note text);
             CREATE TABLE notes (id bigint PRIMARY KEY);
             CREATE PUBLICATION ${names.publication} FOR TABLE items, notes;`),
  );
});
afterAll(async () => {
  await server?.stop();
});

/** A session of the application, as it connects: not the toolkit's application_name. */
async function application(): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: server.connectionString(),
    application_name: 'payments-api',
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

describe('pauseWrites', () => {
  it('stops an open transaction and every new write, records what it revoked, and grants it back', async () => {
    const open = await application();
    await open.query('BEGIN');
    await open.query(`INSERT INTO items VALUES (1, 'open')`);
    const toolkit = await connectPostgres(endpoint, 'cutover pause');
    try {
      const recorded: unknown[] = [];
      const paused = await pauseWrites(toolkit, tables, [server.user], async (revoked) => {
        recorded.push(revoked);
      });
      expect(recorded).toEqual([paused.revoked]);
      expect(paused.revoked).toEqual([
        {
          schema: 'public',
          table: 'items',
          role: server.user,
          privileges: ['DELETE', 'INSERT', 'TRUNCATE', 'UPDATE'],
        },
        {
          schema: 'public',
          table: 'notes',
          role: server.user,
          privileges: ['DELETE', 'INSERT', 'TRUNCATE', 'UPDATE'],
        },
      ]);
      expect(paused.terminated).toBe(1);
      await expect(open.query('COMMIT')).rejects.toThrow();
      expect(await applicationSessions(toolkit)).toEqual([]);
      await expect(server.session((c) => c.query(`INSERT INTO items VALUES (2, 'new')`))).rejects.toThrow(
        /permission denied for table items/,
      );
      expect(await remainingWriters(toolkit, tables, [server.user])).toEqual([]);

      await resumeWrites(toolkit, paused.revoked);
      await server.session((c) => c.query(`INSERT INTO items VALUES (3, 'after')`));
      const rows = await server.session((c) => c.query<{ id: string }>('SELECT id FROM items ORDER BY id'));
      expect(rows.rows.map((r) => r.id)).toEqual(['3']);
    } finally {
      await open.end().catch(() => undefined);
      await toolkit.end();
    }
  });

  it('refuses when the role can still write through PUBLIC, and grants back what it revoked', async () => {
    await server.admin((c) => c.query('GRANT INSERT ON public.notes TO PUBLIC'));
    const toolkit = await connectPostgres(endpoint, 'cutover pause');
    try {
      await expect(pauseWrites(toolkit, tables, [server.user], async () => undefined)).rejects.toThrow(
        new RegExp(
          `revoking the application's write privileges on v1 is not enough: ${server.user} may INSERT on public\\.notes`,
        ),
      );
      // Nothing is left half-done: the role writes as before.
      await server.session((c) => c.query(`INSERT INTO items VALUES (4, 'still')`));
    } finally {
      await server.admin((c) => c.query('REVOKE INSERT ON public.notes FROM PUBLIC'));
      await toolkit.end();
    }
  });

  it('refuses a role that does not exist, changing nothing', async () => {
    const toolkit = await connectPostgres(endpoint, 'cutover pause');
    try {
      await expect(pauseWrites(toolkit, tables, ['payments_writer'], async () => undefined)).rejects.toThrow(
        'no role payments_writer on v1: check application-roles',
      );
    } finally {
      await toolkit.end();
    }
  });
});
