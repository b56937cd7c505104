import { describeEndpoint, withPostgres, type PostgresEndpoint } from '../data/postgres/connection.js';
import type { PlannedTable, SnapshotSource } from '../data/postgres/copy/index.js';
import { VerdictError } from '../errors/index.js';
import type { LedgerEventDraft } from '../ledger/event.js';
import {
  checkReplicationPreconditions,
  createPublication,
  createSubscription,
  probePublisher,
  findLeftovers,
  publisherConnection,
  replicationNames,
  setReplicaIdentityFull,
  slotSnapshot,
  type CreatedSlot,
  type PreconditionReport,
  type ReplicatedTable,
  type ReplicationNames,
} from '../replication/postgres/index.js';
import { logicalReplicationSetting } from './logical-setting.js';
import type { MigrateContext, ReplicationRecord } from './types.js';

/*
 * `replication: logical`, the guide's step 2.2 done without losing the writes made during the copy: the
 * slot is created first and exports the snapshot the copy reads in, then v2 subscribes to that slot without
 * copying again, so that every write the application makes on v1 from the snapshot on reaches v2 once.
 * The plan refuses, before anything changes, whatever would make that fail: Aurora's parameter group and
 * the server's wal_level, tables without a replica identity, no free slot or WAL sender, no privilege, a
 * slot left by an earlier run.
 */

export interface LogicalReplication {
  /** The copy's snapshot: the one the new slot exports when the copy starts. */
  snapshot: SnapshotSource;
  /** Checks every precondition (refusing before anything changes) and says what will be set up. */
  plan(
    source: PostgresEndpoint,
    target: PostgresEndpoint,
    tables: ReplicatedTable[],
  ): Promise<PlannedReplication>;
}

export interface PlannedReplication {
  lines: string[];
  /** Before the copy: replica identities and the publication (the slot's decoding needs it from the start). */
  prepare(tables: readonly PlannedTable[]): Promise<void>;
  /** After the copy: v2 subscribes to the slot. */
  subscribe(): Promise<ReplicationRecord>;
}

export function logicalReplication(ctx: MigrateContext): LogicalReplication {
  const names = replicationNames(ctx.config.environment);
  let created: CreatedSlot | undefined;
  const snapshot = slotSnapshot(names.slot, async (slot) => {
    created = slot;
    ctx.log(`replication slot ${slot.slot} created at ${slot.consistentPoint}, snapshot ${slot.snapshotId}`);
    // Recorded at once: a run that dies after this leaves a slot on v1 that the ledger knows of.
    await ctx.record?.(slotEvent(slot, names.publication));
  });
  return {
    snapshot,
    async plan(source, target, tables) {
      const report = await checkPreconditions(ctx, names, source, tables);
      // The connection string carries v1's password; no message built from PostgreSQL's words may.
      const redact = (text: string) => text.split(source.password).join('***');
      return {
        lines: planLines(names, source, target, tables, report),
        async prepare(planned) {
          // Before anything changes on v1: a v2 that cannot reach v1 would only fail after the whole copy.
          await withPostgres(
            target,
            (v2) => probePublisher(v2, names, publisherConnection(source), redact),
            'replication probe',
          );
          await withPostgres(
            source,
            async (v1) => {
              await setReplicaIdentityFull(v1, report.identityFull);
              await createPublication(
                v1,
                names,
                planned.map((t) => ({ schema: t.table.schema, name: t.table.name })),
              );
            },
            'replication publication',
          );
        },
        async subscribe() {
          const slot = created;
          if (!slot) throw new Error('the copy ran without creating the replication slot');
          await withPostgres(
            target,
            (v2) => createSubscription(v2, names, publisherConnection(source), redact),
            'replication subscription',
          );
          ctx.log(`subscription ${names.subscription} on v2 streams from ${slot.slot}`);
          return {
            slot: slot.slot,
            publication: names.publication,
            subscription: names.subscription,
            consistentPoint: slot.consistentPoint,
            identityFull: report.identityFull.map((t) => `${t.schema}.${t.name}`),
          };
        },
      };
    },
  };
}

/** Every refusal at once, so that one run tells the DBA everything to fix. */
async function checkPreconditions(
  ctx: MigrateContext,
  names: ReplicationNames,
  source: PostgresEndpoint,
  tables: ReplicatedTable[],
): Promise<PreconditionReport> {
  const problems = await logicalReplicationSetting(ctx);
  const { report, slots } = await withPostgres(
    source,
    async (v1) => ({
      report: await checkReplicationPreconditions(v1, tables, {
        allowReplicaIdentityFull: ctx.options.replicaIdentityFull,
      }),
      slots: (await findLeftovers(v1, undefined)).slots,
    }),
    'replication preconditions',
  );
  // The parameter group's refusal already says how to get wal_level = logical on Aurora.
  problems.push(
    ...report.problems.filter((p) => !(p.id === 'wal-level' && problems.length > 0)).map((p) => p.detail),
  );
  if (slots.some((s) => s.name === names.slot)) {
    problems.push(
      `a replication slot ${names.slot} is already on v1 (an earlier run's): stop that replication first, or drop ` +
        `it on v1 with SELECT pg_drop_replication_slot('${names.slot}') when nothing streams from it`,
    );
  }
  if (problems.length > 0) {
    throw new VerdictError(
      `logical replication refused, nothing was changed:\n${problems.map((p) => `- ${p}`).join('\n')}`,
    );
  }
  return report;
}

function planLines(
  names: ReplicationNames,
  source: PostgresEndpoint,
  target: PostgresEndpoint,
  tables: ReplicatedTable[],
  report: PreconditionReport,
): string[] {
  const full = report.identityFull.map((t) => `${t.schema}.${t.name}`);
  return [
    `replication: logical — slot ${names.slot} and publication ${names.publication} on ${describeEndpoint(source)} ` +
      `(${tables.length} tables); the copy reads in the slot's exported snapshot, then subscription ` +
      `${names.subscription} on ${describeEndpoint(target)} streams from the slot (copy_data = false)`,
    ...(full.length > 0 ? [`REPLICA IDENTITY FULL for the tables without a key: ${full.join(', ')}`] : []),
    `v2 reaches v1 at ${source.host}:${source.port}; sequences are not replicated: the cutover advances them`,
  ];
}

function slotEvent(slot: CreatedSlot, publication: string): LedgerEventDraft {
  return {
    type: 'replication-slot-created',
    data: { slot: slot.slot, publication, consistentPoint: slot.consistentPoint },
  };
}
