import type { AwsClients } from '../../aws/index.js';
import type { MigrationConfig } from '../../config/index.js';
import { streamPositionsStore } from './positions-store.js';
import { TableCatchUp, type TableCatchUpOptions } from './table-catch-up.js';

export interface CatchUpContext {
  config: MigrationConfig;
  clients: AwsClients;
}

/** The catch-up of the environment's table, in the primary Region, into `target`, on AWS's clock. */
export function catchUpOptions(ctx: CatchUpContext, target: string): TableCatchUpOptions {
  const region = ctx.config.regions.primary;
  return {
    streams: ctx.clients.dynamodbStreams(region),
    dynamodb: ctx.clients.dynamodb(region),
    target,
    store: streamPositionsStore(ctx.clients.ssm(region), ctx.config.environment),
    now: () => ctx.clients.awsNow(),
  };
}

/**
 * The catch-up migrate-data left, opened at its saved positions (refused past the stream's retention);
 * undefined when no positions are saved: the table's stream is not carried.
 */
export async function resumeSavedCatchUp(ctx: CatchUpContext): Promise<TableCatchUp | undefined> {
  const store = streamPositionsStore(ctx.clients.ssm(ctx.config.regions.primary), ctx.config.environment);
  const positions = await store.load();
  if (!positions) return undefined;
  return TableCatchUp.resume(catchUpOptions(ctx, positions.target), positions);
}
