import type { AwsClients } from '../aws/index.js';
import type { MigrationConfig } from '../config/index.js';
import { changedKeysSince, resumeSavedCatchUp } from '../replication/dynamodb/index.js';

/** How long the catch-up before a parity may take. */
const CATCH_UP_TIMEOUT_MS = 10 * 60_000;

export interface TableCut {
  /** The keys v1 changed since the catch-up (compareTables' `inFlight`). */
  inFlight?: () => Promise<Set<string>>;
}

/**
 * The table's side of a parity while migrate-data's stream catch-up stands (its positions are saved):
 * nothing applies v1's stream between two phases, so the parity applies the backlog first, as the
 * PostgreSQL subscription does all the time, and then excuses only the keys v1 changes while the two
 * tables are read, which the stream carries next. Without saved positions, nothing to do.
 */
export async function tableCut(ctx: {
  config: MigrationConfig;
  clients: AwsClients;
  log(line: string): void;
}): Promise<TableCut> {
  const catchUp = await resumeSavedCatchUp(ctx);
  if (!catchUp) return {};
  const result = await catchUp.catchUp({ detectConflicts: false, timeoutMs: CATCH_UP_TIMEOUT_MS });
  ctx.log(
    `parity: the table's stream is carried to v2: ${result.records} change(s) since the last catch-up applied first ` +
      `(${result.keysApplied} key(s)); a key v1 changes while the tables are read counts as in flight`,
  );
  const streams = ctx.clients.dynamodbStreams(ctx.config.regions.primary);
  return { inFlight: () => changedKeysSince(streams, result.positions) };
}
