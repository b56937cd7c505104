import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { SSMClient } from '@aws-sdk/client-ssm';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLab, type Lab } from '../lab.js';
import { applyPaymentsSchema } from '../scenarios/index.js';
import { sandboxClient } from '../test-support.js';
import { pointParametersAtV2, refresh } from './fleet.fixture.js';
import { checkAcknowledgedWrites, type AcknowledgedWrite } from './index.js';

/*
 * The fleet's write load on the lab's real PostgreSQL servers: what it writes is what the log says,
 * the check catches a row that is not as logged, a write v1 refuses is never acknowledged, and a
 * refresh moves the writes to v2 (which writes nothing until it has the payments schema).
 */

let lab: Lab;
let primaryAsg: AutoScalingClient;
let drAsg: AutoScalingClient;
let ssm: SSMClient;

beforeAll(async () => {
  lab = await startLab({ scenario: 'payments-world' });
  const { sandbox, config } = lab;
  primaryAsg = sandboxClient(AutoScalingClient, sandbox, config.regions.primary);
  drAsg = sandboxClient(AutoScalingClient, sandbox, config.regions.dr);
  ssm = sandboxClient(SSMClient, sandbox, config.regions.primary);
});

afterAll(async () => {
  await lab?.sandbox.fleet.stopWriteLoad();
  for (const client of [primaryAsg, drAsg, ssm]) client?.destroy();
  await lab?.stop();
});

const fleet = () => lab.sandbox.fleet;

/** The writes logged after the first `from` transactions. */
function writesSince(from: number): AcknowledgedWrite[] {
  return fleet()
    .acknowledgedWrites()
    .filter((w) => w.write > from);
}

async function until(what: string, ready: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

test('refuses a rate that is not a number above 0 and at most 100, naming writesPerSecond', () => {
  for (const writesPerSecond of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 101]) {
    expect(() => fleet().startWriteLoad({ writesPerSecond })).toThrow(
      /^startWriteLoad: writesPerSecond must be a number greater than 0 and at most 100 \(writes a second per instance\), got /,
    );
  }
  expect(fleet().writeLoadStats()).toEqual({
    acknowledged: 0,
    failed: 0,
    inDoubt: 0,
    lastErrors: [],
    byCluster: {},
  });
});

test('with the load on, the log grows and every acknowledged write is on v1 as logged', async () => {
  const { config, databases } = lab;
  fleet().startWriteLoad({ writesPerSecond: 10 });
  await until('the log has writes', () => fleet().acknowledgedWrites().length > 0);
  const early = fleet().acknowledgedWrites().length;
  await sleep(2500);
  expect(fleet().acknowledgedWrites().length).toBeGreaterThan(early);
  await fleet().stopWriteLoad();

  const writes = fleet().acknowledgedWrites();
  const stats = fleet().writeLoadStats();
  expect(stats).toMatchObject({ failed: 0, inDoubt: 0, lastErrors: [] });
  expect(stats.byCluster).toEqual({ [config.v1.primaryCluster]: stats.acknowledged });
  expect(new Set(writes.map((w) => w.write)).size).toBe(stats.acknowledged);
  // Stopped means stopped: nothing is logged once stopWriteLoad() resolved.
  await sleep(300);
  expect(fleet().acknowledgedWrites()).toHaveLength(writes.length);

  // All four instances (two groups of two) wrote, each to the cluster its parameters name.
  expect(new Set(writes.map((w) => w.instanceId)).size).toBe(4);
  expect(new Set(writes.map((w) => w.group))).toEqual(
    new Set([config.autoScalingGroups.primary, config.autoScalingGroups.dr]),
  );
  expect(new Set(writes.map((w) => w.cluster))).toEqual(new Set([config.v1.primaryCluster]));
  // The mix: every table, and an insert, an update and a delete.
  expect(new Set(writes.map((w) => w.table))).toEqual(
    new Set(['accounts', 'payments', 'refunds', 'ledger_entries', 'audit_log']),
  );
  expect(new Set(writes.map((w) => `${w.table} ${w.op}`))).toEqual(
    new Set([
      'accounts insert',
      'payments insert',
      'payments update',
      'refunds insert',
      'refunds delete',
      'ledger_entries insert',
      'audit_log insert',
    ]),
  );
  // The ids the database generated: invoice numbers from invoice_number_seq, past the seed's.
  const invoices = writes.filter((w) => w.table === 'payments' && w.op === 'insert');
  for (const w of invoices) expect(Number(w.ids.invoice_number)).toBeGreaterThan(100_000 + 5_000);
  const ledger = writes.filter((w) => w.table === 'ledger_entries').map((w) => Number(w.ids.id));
  expect(Math.min(...ledger)).toBeGreaterThan(2_500);
  // An update names the state it left.
  const update = writes.find((w) => w.op === 'update')!;
  expect(update.values).toMatchObject({
    status: expect.stringMatching(/^(pending|settled|failed|refunded)$/),
    memo: expect.stringMatching(new RegExp(`^update \\d+ by ${update.instanceId}$`)),
  });

  const check = await databases.v1.admin((c) => checkAcknowledgedWrites(c, writes));
  expect(check.missing).toEqual([]);
  const keys = new Set(writes.map((w) => `${w.table} ${w.key}`));
  expect(check.checked).toBe(keys.size);
  // v2 was never written: it has no payments schema, and no instance points at it.
  expect(
    await databases.v2.admin((c) => c.query("SELECT to_regclass('public.payments') AS t")),
  ).toMatchObject({ rows: [{ t: null }] });
});

test('the check names a row deleted, changed or brought back by hand on v1', async () => {
  const { databases } = lab;
  const writes = fleet().acknowledgedWrites();
  expect(writes.length).toBeGreaterThan(0);
  const lastOf = new Map(writes.map((w) => [`${w.table} ${w.key}`, w]));
  const ledger = writes.find((w) => w.table === 'ledger_entries')!;
  const payment = [...lastOf.values()].find((w) => w.table === 'payments')!;
  const deleted = [...lastOf.values()].find((w) => w.table === 'refunds' && w.op === 'delete')!;
  await databases.v1.admin(async (c) => {
    await c.query('DELETE FROM ledger_entries WHERE id = $1', [ledger.key]);
    await c.query(`UPDATE payments SET memo = 'changed by hand' WHERE id = $1`, [payment.key]);
    await c.query(
      `INSERT INTO refunds (id, payment_id, amount, reason, requested_at)
       SELECT $1, id, 1, 'brought back', now() FROM payments LIMIT 1`,
      [deleted.key],
    );
  });

  const check = await databases.v1.admin((c) => checkAcknowledgedWrites(c, writes));
  expect(check.missing).toHaveLength(3);
  expect(check.missing).toEqual(
    expect.arrayContaining([
      expect.stringMatching(
        new RegExp(
          `^ledger_entries ${ledger.key}: expected payment_id="${ledger.values.payment_id}", entry_type="debit", amount="[\\d.]+" \\(insert by ${ledger.instanceId} on [\\w-]+ at [\\d-]+T[\\d:.]+Z\\), found no row$`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `^payments ${payment.key}: expected .*memo=${JSON.stringify(payment.values.memo)} \\(${payment.op} by .*\\), found .*memo="changed by hand"$`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `^refunds ${deleted.key}: expected no row \\(delete by .*\\), found payment_id=.*reason="brought back"$`,
        ),
      ),
    ]),
  );
  expect(check.checked).toBe(lastOf.size);
});

test('the check names an id handed out twice: a key inserted by two instances', async () => {
  const writes = fleet().acknowledgedWrites();
  const refund = writes.find((w) => w.table === 'refunds' && w.op === 'insert')!;
  const other = writes.find((w) => w.instanceId !== refund.instanceId)!;
  // What a v2 whose identity was not advanced past v1's would log: another instance inserting that id.
  const again = { ...refund, write: refund.write + 1_000_000, instanceId: other.instanceId, at: new Date() };
  const check = await lab.databases.v1.admin((c) => checkAcknowledgedWrites(c, [...writes, again]));
  expect(check.missing).toContainEqual(
    `refunds ${refund.key}: inserted twice, by ${refund.instanceId} on ${refund.cluster} at ${refund.at.toISOString()} ` +
      `and by ${other.instanceId} on ${again.cluster} at ${again.at.toISOString()}: an id was handed out twice`,
  );
  // The log as it is has no such key.
  const clean = await lab.databases.v1.admin((c) => checkAcknowledgedWrites(c, writes));
  expect(clean.missing.filter((m) => m.includes('inserted twice'))).toEqual([]);
});

test('while v1 refuses the app user writes, none is acknowledged; the instances go on trying', async () => {
  const { databases } = lab;
  const role = `"${databases.v1.user}"`;
  const before = fleet().writeLoadStats();
  fleet().startWriteLoad({ writesPerSecond: 10 });
  try {
    await until('writes are acknowledged', () => fleet().writeLoadStats().acknowledged > before.acknowledged);
    await databases.v1.admin((c) =>
      c.query(`REVOKE INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public FROM ${role}`),
    );
    // A transaction past its last statement when the REVOKE committed may still commit: let it settle.
    await sleep(300);
    const revoked = fleet().writeLoadStats();
    const logged = fleet().acknowledgedWrites().length;
    await sleep(1500);
    const during = fleet().writeLoadStats();
    expect(during.acknowledged).toBe(revoked.acknowledged);
    expect(fleet().acknowledgedWrites()).toHaveLength(logged);
    // Every instance keeps trying, about ten times a second each.
    expect(during.failed - revoked.failed).toBeGreaterThan(4 * 5);
    expect(during.inDoubt).toBe(0);
    expect(during.lastErrors).toHaveLength(10);
    for (const error of during.lastErrors) {
      expect(error).toMatch(
        new RegExp(
          `^i-[0-9a-f]{17} on ${lab.config.v1.primaryCluster}: permission denied for table (accounts|payments|refunds)$`,
        ),
      );
    }
  } finally {
    await databases.v1.admin((c) =>
      c.query(`GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`),
    );
  }
  const granted = fleet().writeLoadStats().acknowledged;
  await until('writes are acknowledged again', () => fleet().writeLoadStats().acknowledged > granted + 4);
  await fleet().stopWriteLoad();
  const writes = writesSince(before.acknowledged);
  const check = await databases.v1.admin((c) => checkAcknowledgedWrites(c, writes));
  expect(check.missing).toEqual([]);
  expect(check.checked).toBeGreaterThan(0);
});

test('sessions v1 ends are reconnected; while v1 is read-only, nothing is acknowledged', async () => {
  const { databases } = lab;
  const role = `"${databases.v1.user}"`;
  /** Ends every fleet session on v1, as a DBA (or a failover) does; returns how many. */
  const endSessions = () =>
    databases.v1.admin(async (c) => {
      const { rows } = await c.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name LIKE 'fleet %'`,
      );
      return rows[0]!.n;
    });
  const readOnly = /: cannot execute (INSERT|UPDATE|DELETE) in a read-only transaction$/;
  const before = fleet().writeLoadStats();
  fleet().startWriteLoad({ writesPerSecond: 10 });
  let cut = before;
  try {
    await until('writes are acknowledged', () => fleet().writeLoadStats().acknowledged > before.acknowledged);
    await databases.v1.admin((c) => c.query(`ALTER ROLE ${role} SET default_transaction_read_only = on`));
    // Two groups of two instances, two connections each.
    expect(await endSessions()).toBe(8);
    await sleep(300);
    cut = fleet().writeLoadStats();
    const logged = fleet().acknowledgedWrites().length;
    // The instances reconnect (their new sessions are read-only) and go on trying.
    await until('writes fail as read-only', () =>
      fleet()
        .writeLoadStats()
        .lastErrors.some((e) => readOnly.test(e)),
    );
    await sleep(500);
    const during = fleet().writeLoadStats();
    expect(during.acknowledged).toBe(cut.acknowledged);
    expect(fleet().acknowledgedWrites()).toHaveLength(logged);
    expect(during.failed).toBeGreaterThan(cut.failed);
    expect(during.lastErrors.at(-1)).toMatch(readOnly);
  } finally {
    await databases.v1.admin((c) => c.query(`ALTER ROLE ${role} RESET default_transaction_read_only`));
    await endSessions();
  }
  await until(
    'writes are acknowledged again',
    () => fleet().writeLoadStats().acknowledged > cut.acknowledged + 4,
  );
  await fleet().stopWriteLoad();
  const check = await databases.v1.admin((c) => checkAcknowledgedWrites(c, writesSince(before.acknowledged)));
  expect(check.missing).toEqual([]);
  expect(check.checked).toBeGreaterThan(0);
});

test('a refresh to parameters that name v2 moves the writes there, once v2 has the payments schema', async () => {
  const { config, databases } = lab;
  const before = fleet().writeLoadStats();
  fleet().startWriteLoad({ writesPerSecond: 10 });
  await pointParametersAtV2(lab, ssm);
  const [primary, dr] = await Promise.all([
    refresh(primaryAsg, config.autoScalingGroups.primary),
    refresh(drAsg, config.autoScalingGroups.dr),
  ]);
  expect([primary.Status, dr.Status]).toEqual(['Successful', 'Successful']);
  // The old instances finished their writes before they were terminated: none failed. The new ones
  // find no payments schema on v2, and write nothing, saying nothing.
  await sleep(1000);
  const moved = fleet().writeLoadStats();
  expect(moved.failed).toBe(before.failed);
  expect(moved.lastErrors).toEqual(before.lastErrors);
  expect(moved.byCluster[config.v2.primaryCluster]).toBeUndefined();
  expect(moved.acknowledged).toBeGreaterThan(before.acknowledged);

  // The application's migrations create the schema on v2: the instances start writing there.
  await applyPaymentsSchema(databases.v2);
  await until(
    'v2 takes writes',
    () => (fleet().writeLoadStats().byCluster[config.v2.primaryCluster] ?? 0) > 8,
  );
  await fleet().stopWriteLoad();
  const stats = fleet().writeLoadStats();
  expect(stats.failed).toBe(before.failed);

  const writes = writesSince(before.acknowledged);
  const onV1 = writes.filter((w) => w.cluster === config.v1.primaryCluster);
  const onV2 = writes.filter((w) => w.cluster === config.v2.primaryCluster);
  expect(onV1.length + onV2.length).toBe(writes.length);
  // Each instance writes to one cluster only: the new ones to v2, the old ones (gone now) to v1.
  const newInstances = new Set(
    fleet()
      .instancesOf(
        lab.sandbox.world
          .region(config.regions.primary)
          .autoScalingGroups.get(config.autoScalingGroups.primary)!,
      )
      .map((i) => i.id),
  );
  for (const w of onV2) expect(onV1.some((o) => o.instanceId === w.instanceId)).toBe(false);
  expect(onV2.some((w) => newInstances.has(w.instanceId))).toBe(true);
  // v2's sequences start afresh here (nothing advanced them): the ids prove only what each side handed out.
  const v2Check = await databases.v2.admin((c) => checkAcknowledgedWrites(c, onV2));
  expect(v2Check.missing).toEqual([]);
  expect(v2Check.checked).toBeGreaterThan(0);
  const v1Check = await databases.v1.admin((c) => checkAcknowledgedWrites(c, onV1));
  expect(v1Check.missing).toEqual([]);
  // v1's rows are not on v2 (no replication here): the check says so, naming them.
  if (onV1.length > 0) {
    const across = await databases.v2.admin((c) => checkAcknowledgedWrites(c, onV1));
    expect(across.missing.length).toBeGreaterThan(0);
  }
});

test('on the guide world, whose payments table is not the payments schema, the load writes and says nothing', async () => {
  await lab.load('guide-world');
  // Loading a scenario stopped the load and cleared the log.
  expect(fleet().acknowledgedWrites()).toEqual([]);
  fleet().startWriteLoad({ writesPerSecond: 10 });
  await sleep(1500);
  await fleet().stopWriteLoad();
  expect(fleet().writeLoadStats()).toEqual({
    acknowledged: 0,
    failed: 0,
    inDoubt: 0,
    lastErrors: [],
    byCluster: {},
  });
  const rows = await lab.databases.v1.admin((c) => c.query('SELECT count(*)::int AS n FROM payments'));
  expect(rows.rows).toEqual([{ n: 1000 }]);
});
