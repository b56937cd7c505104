import { applyPaymentsSchema, startLab, type Lab, type PostgresServer } from '@dbmig/sandbox';
import { findLeftovers, replicationNames, waitForCatchUp } from '@dbmig/shared';
import { errorsOf, everythingPrinted, ledgerTypes, runMigrate, tableDigests } from './run-migrate.js';

// migrate-data with `replication: logical`, through the bundled action, while the application keeps
// writing to v1: the copy reads in the slot's snapshot, v2 subscribes to the slot, and once v1's writes stop
// and the lag drains, every write acknowledged on v1 is on v2.

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ scenario: 'payments-world' });
});
afterAll(async () => {
  await lab?.stop();
});

const names = replicationNames('dev');

/** The application: payments inserted and updated, refunds made and withdrawn, audit lines; every commit counted. */
function application(v1: PostgresServer) {
  let stopped = false;
  const inserted: number[] = [];
  const done = v1.session(async (client) => {
    for (let i = 1; !stopped; i++) {
      const id = 90_000_000 + i;
      await client.query(
        `INSERT INTO payments (id, account_id, amount, currency, status, created_at)
         VALUES ($1, 1, $2, 'USD', 'pending', now())`,
        [id, i],
      );
      inserted.push(id);
      await client.query(`UPDATE payments SET status = 'settled', memo = $2 WHERE id = $1`, [
        id - 1,
        `settled ${i}`,
      ]);
      await client.query(
        `INSERT INTO refunds (payment_id, amount, reason, requested_at) VALUES ($1, 1, 'live', now())`,
        [id],
      );
      await client.query(`DELETE FROM refunds WHERE payment_id = $1`, [id - 2]);
      await client.query(`INSERT INTO audit_log (occurred_at, actor, action) VALUES (now(), 'app', $1)`, [
        `write ${i}`,
      ]);
    }
  });
  return {
    count: () => inserted.length,
    stop: async () => {
      stopped = true;
      await done;
      return inserted;
    },
  };
}

async function leftovers() {
  return lab.databases.v1.admin((v1) => lab.databases.v2.admin((v2) => findLeftovers(v1, v2)));
}

describe('migrate-data, replication: logical', () => {
  it('refuses a v1 whose cluster parameter group leaves rds.logical_replication at 0, naming the fix; nothing changes', async () => {
    await applyPaymentsSchema(lab.databases.v2);
    const run = await runMigrate(lab, { steps: 'postgres', schema: 'existing', replication: 'logical' });
    expect(run.exitCode).toBe(1);
    const [error] = errorsOf(run);
    expect(error).toContain('logical replication refused, nothing was changed');
    expect(error).toContain(
      "v1's DB cluster parameter group default.aurora-postgresql15 has rds.logical_replication = 0: give primary-db-cluster-dev a custom DB cluster parameter group with rds.logical_replication = 1",
    );
    // The server's own refusals are listed too: the user may not start a walsender, audit_log has no key.
    expect(error).toContain('GRANT rds_replication');
    expect(error).toContain('audit_log has neither a primary key nor a replica identity');
    expect(await leftovers()).toEqual({ slots: [], subscriptions: [], publications: [] });
    expect(Object.values(await tableDigests(lab.databases.v2)).every((d) => d.startsWith('0 rows'))).toBe(
      true,
    );
    expect(await ledgerTypes(lab)).toEqual([]);
  });

  it('copies while v1 takes writes and streams the rest: every acknowledged write is on v2', async () => {
    await lab.load('payments-world-replication');
    await applyPaymentsSchema(lab.databases.v2);
    const app = application(lab.databases.v1);
    try {
      const refused = await runMigrate(lab, {
        steps: 'postgres',
        schema: 'existing',
        replication: 'logical',
      });
      expect(errorsOf(refused)[0]).toMatch(
        /^logical replication refused, nothing was changed:\n- public\.audit_log has neither/,
      );
      expect(await leftovers()).toEqual({ slots: [], subscriptions: [], publications: [] });

      const run = await runMigrate(lab, {
        steps: 'postgres',
        schema: 'existing',
        replication: 'logical',
        'allow-replica-identity-full': 'true',
      });
      expect(errorsOf(run)).toEqual([]);
      expect(run.stdout).toContain('REPLICA IDENTITY FULL for the tables without a key: public.audit_log');
      const replication = JSON.parse(run.outputs['replication']!) as Record<string, unknown>;
      expect(replication).toMatchObject({
        slot: names.slot,
        publication: names.publication,
        subscription: names.subscription,
        consistentPoint: expect.stringMatching(/^[0-9A-F]+\/[0-9A-F]+$/),
        identityFull: ['public.audit_log'],
      });
      expect(await ledgerTypes(lab)).toEqual([
        'replication-slot-created',
        'data-copied',
        'replication-started',
      ]);
      const writesDuringRun = app.count();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const inserted = await app.stop();
      expect(inserted.length).toBeGreaterThan(writesDuringRun);

      await lab.databases.v1.admin((v1) => waitForCatchUp(v1, names, { timeoutMs: 60_000 }));
      expect(await tableDigests(lab.databases.v2)).toEqual(await tableDigests(lab.databases.v1));
      const onV2 = await lab.databases.v2.admin(async (c) =>
        (await c.query<{ id: string }>('SELECT id::text FROM payments WHERE id >= 90000000')).rows.map((r) =>
          Number(r.id),
        ),
      );
      expect(new Set(onV2)).toEqual(new Set(inserted));
    } finally {
      await app.stop().catch(() => undefined);
    }
  });

  it('refuses before the copy when v2 cannot subscribe to v1, leaving nothing on either side', async () => {
    await lab.load('payments-world-replication');
    await applyPaymentsSchema(lab.databases.v2);
    // v2's user without the right to create subscriptions, as an Aurora user without rds_superuser.
    await lab.databases.v2.admin((c) => c.query(`ALTER ROLE ${lab.databases.v2.user} NOSUPERUSER`));
    const run = await runMigrate(lab, {
      steps: 'postgres',
      schema: 'existing',
      replication: 'logical',
      'allow-replica-identity-full': 'true',
    });
    expect(run.exitCode).toBe(1);
    expect(errorsOf(run)[0]).toMatch(
      /^v2 cannot subscribe to v1, nothing was changed: must be superuser to create subscriptions/,
    );
    expect(await leftovers()).toEqual({ slots: [], subscriptions: [], publications: [] });
    expect(Object.values(await tableDigests(lab.databases.v2)).every((d) => d.startsWith('0 rows'))).toBe(
      true,
    );
    expect(await ledgerTypes(lab)).toEqual([]);
    expect(everythingPrinted(run)).not.toContain(lab.databases.v1.password);
  });
});
