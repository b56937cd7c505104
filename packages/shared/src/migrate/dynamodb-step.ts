import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { copyTable, ssmCheckpointStore } from '../data/dynamodb/index.js';
import { VerdictError } from '../errors/index.js';
import { describeTable } from '../resources/dynamodb-table.js';
import { planTableReplication } from './table-replication.js';
import type { MigrateContext, PlannedStep } from './types.js';

/** Parallel Scan segments of the copy. Part of the checkpoint: a resumed copy must use the same number. */
const SEGMENTS = 8;
/** BatchWriteItem calls in flight. */
const CONCURRENCY = 16;

/** Where an interrupted copy's positions are kept, so that the next job (or a re-run) continues there. */
export function checkpointParameter(environment: string): string {
  return `/db-migration/${environment}/dynamodb-copy/checkpoint`;
}

/**
 * Step 2.3: every item of the v1 table into the v2 table, raw AttributeValues end to end (numbers keep all
 * 38 digits; binary, sets, maps and lists arrive byte-identical), in the primary region. The v2 table is a
 * global table: DynamoDB itself replicates what lands there to the DR region. The plan refuses a missing
 * table, and a v2 table that already holds items unless a re-run was allowed or an interrupted copy is
 * being resumed.
 */
export async function planDynamoDbStep(ctx: MigrateContext): Promise<PlannedStep> {
  const { config, clients, options } = ctx;
  const region = config.regions.primary;
  const dynamodb = clients.dynamodb(region);
  const checkpoint = ssmCheckpointStore(clients.ssm(region), checkpointParameter(config.environment));
  const [source, target, saved] = await Promise.all([
    describeTable(dynamodb, config.v1.table),
    describeTable(dynamodb, config.v2.table),
    checkpoint.load(),
  ]);
  const problems: string[] = [];
  for (const [side, name, table] of [
    ['v1', config.v1.table, source],
    ['v2', config.v2.table, target],
  ] as const) {
    if (!table) problems.push(`the ${side} table ${name} does not exist in ${region}`);
    else if (table.TableStatus !== 'ACTIVE') {
      problems.push(
        `the ${side} table ${name} in ${region} is ${table.TableStatus}, not ACTIVE: wait for it`,
      );
    }
  }
  const resuming =
    saved !== undefined && saved.sourceTable === config.v1.table && saved.targetTable === config.v2.table;
  if (target && !resuming && !options.allowNonEmptyTarget && (await holdsItems(dynamodb, config.v2.table))) {
    problems.push(
      `the v2 table ${config.v2.table} already holds items and no interrupted copy is recorded at ` +
        `${checkpointParameter(config.environment)}: set allow-non-empty-target: true to copy over them ` +
        `(every v1 item is written again; items only on v2 stay, and parity will name them)`,
    );
  }
  if (problems.length > 0) throw new VerdictError(`DynamoDB copy refused: ${problems.join('; ')}`);
  const replication =
    // Whichever carries the database's writes (logical replication or DMS), the table's go through its stream.
    options.replication !== 'none'
      ? await planTableReplication(ctx, dynamodb, resuming ? saved : undefined)
      : undefined;
  const estimate = source?.ItemCount ?? 0;
  const lines = [
    `copy table ${config.v1.table} → ${config.v2.table} (${region}; DynamoDB replicates v2 to ${config.regions.dr}): ` +
      `about ${estimate.toLocaleString('en-US')} items by DescribeTable (refreshed every six hours), ` +
      `${SEGMENTS} parallel Scan segments, ${CONCURRENCY} BatchWriteItem calls in flight, ` +
      (options.dynamodbRateLimit ? `at most ${options.dynamodbRateLimit} items/s` : 'no rate limit'),
    resuming
      ? `resume the interrupted copy recorded at ${checkpointParameter(config.environment)} (${saved.items.toLocaleString('en-US')} items written so far)`
      : `positions kept at ${checkpointParameter(config.environment)} (SSM, ${region}) so an interrupted copy resumes`,
    ...(replication?.lines ?? []),
  ];
  const copy = async (signal?: AbortSignal) => {
    const result = await copyTable({
      source: { client: dynamodb, table: config.v1.table },
      target: { client: dynamodb, table: config.v2.table },
      segments: SEGMENTS,
      concurrency: CONCURRENCY,
      ...(options.dynamodbRateLimit ? { rateLimit: options.dynamodbRateLimit } : {}),
      checkpoint,
      log: ctx.log,
      ...(signal ? { signal } : {}),
    });
    return result.items;
  };
  return {
    step: 'dynamodb',
    lines,
    run: async () => {
      if (!replication) return { items: await copy() };
      const { items, record } = await replication.around(copy);
      return { items, tableReplication: record };
    },
  };
}

/** One item is enough to tell: a Scan of one, counted. */
async function holdsItems(dynamodb: DynamoDBClient, table: string): Promise<boolean> {
  const out = await dynamodb.send(new ScanCommand({ TableName: table, Limit: 1, Select: 'COUNT' }));
  return (out.Count ?? 0) > 0 || out.LastEvaluatedKey !== undefined;
}
