import { startPostgres, type PostgresServer } from '@dbmig/sandbox';
import type pg from 'pg';
import { connectPostgres, type PostgresEndpoint } from '../../data/postgres/connection.js';
import { endpointOf, ROWS_SQL, SCHEMA_SQL, tableDigests } from '../../data/postgres/copy/copy.fixture.js';
import { copyPostgres } from '../../data/postgres/copy/index.js';
import { comparePostgres } from '../../data/postgres/parity/index.js';
import {
  advanceSequences,
  checkReplicationPreconditions,
  checkSchemaDrift,
  publicationSet,
  createPublication,
  createSubscription,
  dropSlotAndPublication,
  dropSubscription,
  findLeftovers,
  publisherConnection,
  readReplicationLag,
  replicationCut,
  type ReplicationLag,
  replicationNames,
  setReplicaIdentityFull,
  slotSnapshot,
  waitForCatchUp,
  type CreatedSlot,
} from './index.js';

// Copy-then-stream on two real PostgreSQL 15 servers, with the application writing to v1 the whole time:
// the slot's exported snapshot feeds the copy, the subscription streams from the slot, and v2 ends equal
// to v1 once v1's writes stop and the lag drains.

const LOGICAL = { wal_level: 'logical', max_replication_slots: '4', max_wal_senders: '4' };
const names = replicationNames('dev-blue');
let v1: PostgresServer;
let v2: PostgresServer;
let source: PostgresEndpoint;
let target: PostgresEndpoint;

beforeAll(async () => {
  [v1, v2] = await Promise.all([
    startPostgres({ name: 'replication-v1', settings: LOGICAL }),
    startPostgres({ name: 'replication-v2', settings: LOGICAL }),
  ]);
  source = endpointOf(v1, 'v1');
  target = endpointOf(v2, 'v2');
  await Promise.all([
    v1.session((c) => c.query(`${SCHEMA_SQL}\n${ROWS_SQL}\nANALYZE;`)),
    v2.session((c) => c.query(SCHEMA_SQL)),
  ]);
});

afterAll(async () => {
  await Promise.all([v1?.stop(), v2?.stop()]);
});

/** The application: inserts, updates and deletes on v1 until stopped; counts its committed writes. */
function writeContinuously(endpoint: PostgresEndpoint, lane = 0) {
  let stop = false;
  let writes = 0;
  const done = (async () => {
    const client = await connectPostgres(endpoint, 'application');
    try {
      for (let i = 0; !stop; i++) {
        await client.query(`INSERT INTO billing.customers (name, score) VALUES ($1, $2)`, [
          `live ${lane}-${i}`,
          i,
        ]);
        await client.query(`UPDATE billing.payments SET note = $1 WHERE id = $2`, [
          `changed ${i}`,
          1 + lane * 150 + (i % 150),
        ]);
        await client.query(`DELETE FROM billing.customers WHERE name = $1`, [`live ${lane}-${i - 3}`]);
        await client.query(`INSERT INTO public.audit_log (message) VALUES ($1)`, [`write ${i}`]);
        await client.query(`SELECT nextval('public.invoice_numbers')`);
        writes += 5;
      }
    } finally {
      await client.end();
    }
  })();
  return {
    count: () => writes,
    stop: async () => {
      stop = true;
      await done;
      return writes;
    },
  };
}

const tables = async (client: pg.Client) =>
  (
    await client.query<{ schema: string; name: string }>(
      `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname IN ('billing', 'public') ORDER BY 1, 2`,
    )
  ).rows;

describe('PostgreSQL logical replication (copy in the slot snapshot, then stream)', () => {
  it('refuses a v1 without wal_level logical, naming the Aurora fix', async () => {
    const plain = await startPostgres({ name: 'replication-plain' });
    try {
      const report = await plain.admin((c) => checkReplicationPreconditions(c, []));
      expect(report.problems.map((p) => p.id)).toEqual(['wal-level']);
      expect(report.problems[0]!.detail).toMatch(
        /^v1's wal_level is replica, not logical\. On Aurora, set rds\.logical_replication = 1 in v1's DB cluster parameter group/,
      );
    } finally {
      await plain.stop();
    }
  });

  it('refuses a table without a key and a user without the replication privilege, then passes once fixed', async () => {
    const client = await connectPostgres(source, 'preconditions');
    try {
      const all = await tables(client);
      const report = await checkReplicationPreconditions(client, all);
      expect(report.problems.map((p) => p.id)).toEqual(['replication-privilege', 'replica-identity']);
      expect(report.problems[1]!.detail).toMatch(
        /^public\.audit_log has neither a primary key nor a replica identity/,
      );
      await v1.admin((c) => c.query(`ALTER ROLE ${v1.user} REPLICATION`));
      const allowed = await checkReplicationPreconditions(client, all, { allowReplicaIdentityFull: true });
      expect(allowed.problems).toEqual([]);
      expect(allowed.identityFull).toEqual([{ schema: 'public', name: 'audit_log' }]);
      await setReplicaIdentityFull(client, allowed.identityFull);
      expect((await checkReplicationPreconditions(client, all)).problems).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it('copies in the slot snapshot while v1 takes writes, streams the rest, and ends with v2 equal to v1', async () => {
    const v1Client = await connectPostgres(source, 'replication test v1');
    let created: CreatedSlot | undefined;
    let writesAtSlot = 0;
    const app = writeContinuously(source);
    try {
      await createPublication(v1Client, names, await tables(v1Client));
      const { result } = await copyPostgres(source, target, {
        schema: 'existing',
        jobs: 2,
        allowNonEmptyTarget: false,
        snapshot: slotSnapshot(names.slot, (slot) => {
          created = slot;
          writesAtSlot = app.count();
        }),
      });
      expect(result?.tables.length).toBeGreaterThan(0);
      expect(created).toMatchObject({
        slot: names.slot,
        snapshotId: expect.stringMatching(/^[0-9A-F]+-[0-9A-F]+-\d+$/),
      });
      // PostgreSQL 15 lets only a superuser create a subscription (rds_superuser on Aurora).
      await v2.admin((c) =>
        createSubscription(c, names, publisherConnection(source), (text) =>
          text.replaceAll(source.password, '***'),
        ),
      );
      // While the application still writes: the worker applies, and the lag is measured.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const lag = await v2.admin((c) => readReplicationLag(v1Client, c, names));
      expect(lag.bytes).not.toBeNull();
      const writes = await app.stop();
      // Writes before the slot are in the copy; those after it reach v2 only through the stream.
      expect(writesAtSlot).toBeGreaterThan(0);
      expect(writes).toBeGreaterThan(writesAtSlot + 50);
      await waitForCatchUp(v1Client, names, { timeoutMs: 60_000 });
      const [left, right] = await Promise.all([tableDigests(source), tableDigests(target)]);
      expect(right).toEqual(left);
      // v1 keeps writing WAL of its own (running-transaction records, autovacuum) that v2 confirms on
      // the walsender's next keepalive: once idle, the lag reaches zero, but not necessarily at once.
      const drained = await lagOnceIdle(() => v2.admin((c) => readReplicationLag(v1Client, c, names)));
      expect(drained).toMatchObject({ bytes: 0, slotActive: true, applying: true });
      expect(drained.seconds).toBeLessThan(1);
    } finally {
      await app.stop().catch(() => undefined);
      await v1Client.end();
    }
  });

  it('compares v1 and v2 at one consistent cut while v1 keeps taking writes, and parity passes', async () => {
    // Three sessions of the application, so that commits race the cut from several backends.
    const apps = [writeContinuously(source, 0), writeContinuously(source, 1), writeContinuously(source, 2)];
    const written = () => apps.reduce((n, a) => n + a.count(), 0);
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (let round = 0; round < 5; round++) {
        const before = written();
        const parity = await comparePostgres(source, target, {
          maxDifferencesListed: 10,
          jobs: 2,
          cut: replicationCut(
            source,
            target,
            { names, carried: publicationSet(names) },
            { lockTimeoutMs: 5_000, catchUpTimeoutMs: 30_000 },
          ),
        });
        expect(parity.tables.filter((t) => t.status !== 'equal')).toEqual([]);
        expect(parity.schema).toEqual([]);
        // The invoice sequence moved on v1 only: behind on v2, which the cutover fixes, and so it passes.
        expect(parity.sequences.some((s) => s.status === 'behind')).toBe(true);
        expect(parity.equal).toBe(true);
        // The application went on writing through the comparison: it waited at the cut, never failed.
        expect(written()).toBeGreaterThan(before);
      }
    } finally {
      await Promise.all(apps.map((a) => a.stop()));
    }
  });

  it('sets every v2 sequence past v1 by the headroom, so that v2 never hands out an id v1 used', async () => {
    const [v1Client, v2Client] = await Promise.all([connectPostgres(source), connectPostgres(target)]);
    try {
      const advanced = await advanceSequences(v1Client, v2Client, 1000n);
      const invoices = advanced.find((s) => s.name === 'invoice_numbers')!;
      expect(BigInt(invoices.v2)).toBe(BigInt(invoices.v1!) + 1000n);
      const maxOnV1 = (
        await v1Client.query<{ max: string }>('SELECT max(id)::text AS max FROM billing.customers')
      ).rows[0]!.max;
      const next = (
        await v2Client.query<{ id: string }>(
          `INSERT INTO billing.customers (name) VALUES ('on v2') RETURNING id::text`,
        )
      ).rows[0]!.id;
      expect(BigInt(next)).toBeGreaterThan(BigInt(maxOnV1) + 999n);
      await v2Client.query(`DELETE FROM billing.customers WHERE name = 'on v2'`);
    } finally {
      await Promise.all([v1Client.end(), v2Client.end()]);
    }
  });

  it('catches schema drift: a column added on v1, a table created on v1 after the copy', async () => {
    const [v1Client, v2Client] = await Promise.all([connectPostgres(source), connectPostgres(target)]);
    try {
      expect((await checkSchemaDrift(v1Client, v2Client, publicationSet(names))).problems).toEqual([]);
      await v1Client.query(
        'ALTER TABLE billing.refunds ADD COLUMN reason text; CREATE TABLE public.late (id int PRIMARY KEY)',
      );
      expect((await checkSchemaDrift(v1Client, v2Client, publicationSet(names))).problems).toEqual([
        'column billing.refunds.reason (text) is on v1, not on v2: v2 stops applying changes to billing.refunds until it has it. Add the column on v2 (DDL is not replicated)',
        `table public.late is on v1 but not replicated (created after the copy?): its rows are not reaching v2. Create it on v2, add it to the publication (ALTER PUBLICATION ${names.publication} ADD TABLE public.late), refresh the subscription, and copy its rows`,
      ]);
      await v1Client.query('ALTER TABLE billing.refunds DROP COLUMN reason; DROP TABLE public.late');
    } finally {
      await Promise.all([v1Client.end(), v2Client.end()]);
    }
  });

  it('stops replication leaving no subscription, slot or publication, and a second stop is a no-op', async () => {
    const v1Client = await connectPostgres(source);
    try {
      const before = await v2.admin((c) => findLeftovers(v1Client, c));
      expect(before.slots.map((s) => s.name)).toEqual([names.slot]);
      expect(before.subscriptions).toEqual([names.subscription]);
      expect(await v2.admin((c) => dropSubscription(c, names))).toBe(true);
      expect(await dropSlotAndPublication(v1Client, names)).toEqual({ slot: true, publication: true });
      expect(await v2.admin((c) => findLeftovers(v1Client, c))).toEqual({
        slots: [],
        subscriptions: [],
        publications: [],
      });
      expect(await v2.admin((c) => dropSubscription(c, names))).toBe(false);
      expect(await dropSlotAndPublication(v1Client, names)).toEqual({ slot: false, publication: false });
    } finally {
      await v1Client.end();
    }
  });
});

/** Reads the lag until it shows nothing unconfirmed, for up to 30 s; returns the last reading. */
async function lagOnceIdle(read: () => Promise<ReplicationLag>): Promise<ReplicationLag> {
  const deadline = Date.now() + 30_000;
  let lag = await read();
  while (lag.bytes !== 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    lag = await read();
  }
  return lag;
}
