import type { AwsClients } from '../aws/index.js';
import type { MigrationConfig } from '../config/index.js';
import { compareTables, type ParityResult } from '../data/dynamodb/index.js';
import { comparePostgres, type PostgresParity } from '../data/postgres/parity/index.js';
import { withPostgres } from '../data/postgres/connection.js';
import type { SslMode } from '../data/ssl-mode.js';
import { dmsTaskSet, type DmsRun } from '../replication/dms/index.js';
import { publicationSet, replicationCut, replicationNames } from '../replication/postgres/index.js';
import type { Check } from '../report/index.js';
import { resolveDatabaseEndpoint } from '../resources/database-endpoint.js';
import { tableCut } from './table-cut.js';

export interface ParityVerifyOptions {
  /** Key ranges per table: one count for every table, or counts by `schema.table`; default from size. */
  ranges?: number | Record<string, number>;
  maxDifferencesListed: number;
  sslMode: SslMode;
  /** Sessions per side for the PostgreSQL comparison. */
  jobs: number;
}

export interface ParityContext {
  config: MigrationConfig;
  clients: AwsClients;
  options: ParityVerifyOptions;
  mask(secret: string): void;
  log(line: string): void;
  /** The DMS task the ledger records as carrying v1's writes, when migrate-data ran with `replication: dms`. */
  dms?: DmsRun;
}

/** What the `parity` output carries: the PostgreSQL comparison per table, and the DynamoDB table's. */
export interface ParityOutput {
  postgres: ReturnType<PostgresParity['toJSON']>;
  dynamodb: { v1Table: string; v2Table: string } & Omit<ParityResult, 'differences'> & {
      differences: { key: string; kind: string }[];
    };
}

/**
 * Step 2.4, done properly: v1 and v2 compared by content, not by counts alone, on both stores at once.
 * PostgreSQL: schema, every table's rows by key range, sequences (comparePostgres). DynamoDB: counts by
 * Scan and an order-independent hash of the raw items (compareTables), in the primary region, where the
 * copy wrote. Every difference is a failing check that names the table (and range, or key).
 */
export async function verifyParity(ctx: ParityContext): Promise<{ checks: Check[]; output: ParityOutput }> {
  const { config, clients, options } = ctx;
  const region = config.regions.primary;
  const endpoint = (side: 'v1' | 'v2') => resolveDatabaseEndpoint({ ...ctx, side, sslMode: options.sslMode });
  const [v1, v2] = await Promise.all([endpoint('v1'), endpoint('v2')]);
  const dynamodb = clients.dynamodb(region);
  // While migrate-data's replication runs (its slot is on v1), both sides are read at one consistent cut.
  const names = replicationNames(config.environment);
  const replicating = await withPostgres(
    v1,
    async (c) =>
      (await c.query('SELECT 1 FROM pg_catalog.pg_replication_slots WHERE slot_name = $1', [names.slot]))
        .rowCount === 1,
    'parity replication check',
  );
  // Or a DMS task does, read through the slot migrate-data found it took.
  const dmsSlot = ctx.dms?.slot;
  const stream = replicating
    ? { names, carried: publicationSet(names) }
    : ctx.dms && dmsSlot
      ? { names: { slot: dmsSlot }, carried: dmsTaskSet(clients.dms(region), ctx.dms) }
      : undefined;
  if (stream)
    ctx.log(
      `parity: ${replicating ? 'replication' : `the DMS task ${ctx.dms!.task}'s`} slot ${stream.names.slot} on v1: both sides are read at one consistent cut`,
    );
  const cutOptions = { lockTimeoutMs: 5_000, catchUpTimeoutMs: 30_000 };
  const [postgres, table] = await Promise.all([
    comparePostgres(v1, v2, {
      ...(stream ? { cut: replicationCut(v1, v2, stream, cutOptions) } : {}),
      ...(options.ranges !== undefined ? { ranges: options.ranges } : {}),
      maxDifferencesListed: options.maxDifferencesListed,
      jobs: options.jobs,
      log: ctx.log,
    }),
    tableCut(ctx).then((cut) =>
      compareTables({
        v1: { client: dynamodb, table: config.v1.table },
        v2: { client: dynamodb, table: config.v2.table },
        maxDifferencesListed: options.maxDifferencesListed,
        log: ctx.log,
        ...cut,
      }),
    ),
  ]);
  const checks = [...postgres.toChecks(), tableCheck(config, table)];
  const output: ParityOutput = {
    postgres: postgres.toJSON(),
    dynamodb: {
      v1Table: config.v1.table,
      v2Table: config.v2.table,
      ...table,
      differences: table.differences.map((d) => ({ key: d.keyText, kind: d.kind })),
    },
  };
  return { checks, output };
}

function tableCheck(config: MigrationConfig, table: ParityResult): Check {
  const counts = `v1 ${table.v1Items.toLocaleString('en-US')} items, v2 ${table.v2Items.toLocaleString('en-US')}`;
  const time = `${table.seconds.toFixed(1)} s`;
  if (table.equal) {
    const moving = table.inFlight
      ? `; every key equal but ${table.inFlight} that v1 changed while the tables were read, which its stream carries next`
      : '; content hash equal';
    return {
      id: 'parity-dynamodb',
      title: 'DynamoDB table identical',
      region: config.regions.primary,
      resource: `${config.v1.table} → ${config.v2.table}`,
      status: 'pass',
      detail: `${counts}${moving}; ${time}`,
    };
  }
  const listed = table.differences.map((d) => `${d.kind} ${d.keyText}`).join('; ');
  return {
    id: 'parity-dynamodb',
    title: 'DynamoDB table identical',
    region: config.regions.primary,
    resource: `${config.v1.table} → ${config.v2.table}`,
    status: 'fail',
    detail:
      `${counts}; content differs: ${listed}${table.moreDifferences ? '; more differences not listed' : ''}; ` +
      `copy again with migrate-data (steps: dynamodb, allow-non-empty-target: true); ${time}`,
  };
}
