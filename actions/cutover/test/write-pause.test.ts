import { checkAcknowledgedWrites, startLab, type Lab } from '@dbmig/sandbox';
import pg from 'pg';
import { errorsOf, ledgerTypes, runCutover, runRollback } from './phase3.js';
import { leftovers, replicatingWithLoad, sessionWritesOnV2, v1RowsMissingOnV2 } from './writes.js';

// write-strategy pause: v1 refuses the application's writes before the stream is drained and cut, so no
// write can land on both sides; the pause is measured. A transaction already open on v1 cannot commit.
// The rollback gives v1 its writes back.

let lab: Lab;

beforeAll(async () => {
  lab = await startLab({ scenario: 'payments-world-replication' });
});
afterAll(async () => {
  await lab?.sandbox.fleet.stopWriteLoad();
  await lab?.stop();
});

const insertAccount = (id: number) =>
  `INSERT INTO accounts (id, external_ref, country, opened_on, created_at) VALUES (${id}, 'open-${id}', 'US', DATE '2026-01-01', now())`;

/** A connection of the application's own to v1, kept open across the cutover. */
async function appSession(lab: Lab): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: lab.databases.v1.connectionString(),
    application_name: 'app',
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

describe('cutover with write-strategy pause', () => {
  it('stops every commit on v1, drains, switches, and loses no acknowledged write', async () => {
    await replicatingWithLoad(lab);
    // An application session with a transaction already open on v1, not yet committed.
    const open = await appSession(lab);
    await open.query('BEGIN');
    await open.query(insertAccount(990_000_001));

    const run = await runCutover(lab, { 'write-strategy': 'pause' });
    expect(errorsOf(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs['write-strategy']).toBe('pause');
    const pauseMs = Number(run.outputs['write-pause-ms']);
    expect(Number.isInteger(pauseMs) && pauseMs > 0).toBe(true);
    expect(run.stdout).toMatch(
      /v1 refuses the application's writes: DELETE, INSERT, TRUNCATE, UPDATE on public\.accounts from /,
    );
    expect(run.stdout).toMatch(
      /Write pause: \d+ ms from v1's first refused write to the parameters switched\./,
    );

    // The open transaction was ended: its COMMIT fails and its row is nowhere.
    await expect(open.query('COMMIT')).rejects.toThrow(/terminat|Connection terminated|not queryable/i);
    await open.end().catch(() => undefined);
    // A new session of the application cannot write on v1 either.
    await expect(lab.databases.v1.session((c) => c.query(insertAccount(990_000_002)))).rejects.toThrow(
      /permission denied for table accounts/,
    );

    const types = await ledgerTypes(lab);
    expect(types.slice(types.lastIndexOf('cutover-started'))).toEqual([
      'cutover-started',
      'writes-paused',
      'replication-stopped',
      'sequences-advanced',
      'parameters-written',
      'refresh-started',
      // The table's writes cannot be refused: its stream is drained once the refreshes moved the fleet.
      'table-replication-stopped',
      'cutover-completed',
      'bake-verdict',
    ]);
    expect(await leftovers(lab)).toEqual({ slots: [], subscriptions: [], publications: [] });

    await new Promise((resolve) => setTimeout(resolve, 1500));
    await lab.sandbox.fleet.stopWriteLoad();
    const writes = lab.sandbox.fleet.acknowledgedWrites();
    const check = await lab.databases.v2.admin((c) => checkAcknowledgedWrites(c, writes));
    expect(check.missing).toEqual([]);
    expect(check.checked).toBeGreaterThan(50);
    expect(await v1RowsMissingOnV2(lab)).toEqual([]);
    const ids = await lab.databases.v2.admin((c) =>
      c.query('SELECT 1 FROM accounts WHERE id IN (990000001, 990000002)'),
    );
    expect(ids.rowCount).toBe(0);
    const sessions = await sessionWritesOnV2(lab);
    expect(sessions.missing).toEqual([]);
    expect(sessions.onV1).toBeGreaterThan(50);
  });

  it('a rollback grants v1 its writes back', async () => {
    const run = await runRollback(lab, { 'refresh-timeout-minutes': '3' });
    expect(errorsOf(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain("v1 takes the application's writes again");
    expect(await ledgerTypes(lab)).toContain('writes-resumed');
    await lab.databases.v1.session((c) => c.query(insertAccount(990_000_003)));
    expect(await leftovers(lab)).toEqual({ slots: [], subscriptions: [], publications: [] });
  });
});
