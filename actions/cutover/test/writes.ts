import { checkAcknowledgedSessionWrites, type Lab, type PostgresServer } from '@dbmig/sandbox';
import { findLeftovers, readReplicationLag, replicationNames } from '@dbmig/shared';
import { labDynamoDb, runMigrate } from '../../migrate-data/test/run-migrate.js';
import { runVerify } from '../../verify-v2/test/run-verify.js';
import { errorsOf } from './phase3.js';

/** The tables the fleet's write load writes, each with its key: the rows a cutover must carry to v2. */
const KEYED_TABLES = ['accounts', 'payments', 'refunds', 'ledger_entries'];

/**
 * The world a replicated cutover starts from: the replication scenario, the fleet writing throughout,
 * migrate-data with logical replication, and health, parity and replication verified, all bundled.
 */
export async function replicatingWithLoad(lab: Lab): Promise<void> {
  await lab.load('payments-world-replication');
  lab.sandbox.fleet.startWriteLoad({ writesPerSecond: 10 });
  const migrate = await runMigrate(lab, {
    steps: 'postgres,dynamodb',
    replication: 'logical',
    'allow-replica-identity-full': 'true',
  });
  if (migrate.exitCode !== 0)
    throw new Error(`migrate-data failed: ${errorsOf(migrate).join('; ')}\n${migrate.stdout}`);
  const verify = await runVerify(lab, { check: 'all' });
  if (verify.exitCode !== 0)
    throw new Error(`verify-v2 failed: ${errorsOf(verify).join('; ')}\n${verify.stdout}`);
}

/**
 * Every row of v1 exactly as it is on v2 (as text, by key), for the tables with a key. Rows only v2 has
 * are the application's writes after the switch; a row of v1 missing or different on v2 is a lost write.
 */
export async function v1RowsMissingOnV2(lab: Lab): Promise<string[]> {
  const read = (server: PostgresServer, table: string) =>
    server.admin(async (c) => {
      const { rows } = await c.query<{ id: string; row: string }>(
        `SELECT id::text AS id, t::text AS row FROM public.${table} t`,
      );
      return new Map(rows.map((r) => [r.id, r.row]));
    });
  const missing: string[] = [];
  for (const table of KEYED_TABLES) {
    const [v1, v2] = await Promise.all([read(lab.databases.v1, table), read(lab.databases.v2, table)]);
    for (const [id, row] of v1) {
      const there = v2.get(id);
      if (there !== row) missing.push(`${table} ${id}: v1 ${row}, v2 ${there ?? 'absent'}`);
    }
  }
  return missing;
}

/** Resolves once the slot streams to a running apply worker (5 to 8 s after an ENABLE), or throws after 30 s. */
export async function streaming(lab: Lab): Promise<void> {
  const names = replicationNames('dev');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const lag = await lab.databases.v1.admin((a) =>
      lab.databases.v2.admin((b) => readReplicationLag(a, b, names)),
    );
    if (lag.slotActive && lag.applying) return;
    if (Date.now() > deadline) throw new Error(`replication is not streaming again: ${JSON.stringify(lag)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** What replication left on the two servers; empty lists when nothing. */
export async function leftovers(lab: Lab) {
  return lab.databases.v1.admin((a) => lab.databases.v2.admin((b) => findLeftovers(a, b)));
}

/**
 * The fleet's session writes checked on v2's table: those made on v1 (carried by the stream) and those
 * made on v2 since its instances moved. The load must have been stopped first.
 */
export async function sessionWritesOnV2(lab: Lab) {
  const writes = lab.sandbox.fleet.acknowledgedSessionWrites();
  const dynamodb = labDynamoDb(lab);
  try {
    const check = await checkAcknowledgedSessionWrites(dynamodb, lab.config.v2.table, writes);
    return {
      ...check,
      onV1: writes.filter((w) => w.table === lab.config.v1.table).length,
      onV2: writes.filter((w) => w.table === lab.config.v2.table).length,
    };
  } finally {
    dynamodb.destroy();
  }
}
