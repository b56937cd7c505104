import type { AwsClients } from '../aws/clients.js';
import type { MigrationConfig } from '../config/types.js';
import { VerdictError } from '../errors/index.js';
import type { LedgerEvent, LedgerEventDraft } from '../ledger/event.js';
import type { LedgerView } from '../ledger/view.js';
import { TABLE_REPLICATION_EVENTS } from '../migrate/table-replication.js';
import {
  resumeSavedCatchUp,
  streamPositionsParameter,
  type KeyConflict,
  type TableCatchUp,
} from '../replication/dynamodb/index.js';

/*
 * The table's side of a replicated cutover. migrate-data applied v1's stream up to its tip and saved the
 * positions; nothing carries the table's writes between two catch-ups, so the cutover catches up once
 * before the switch (what is left then is only what the application writes during the cutover), and
 * drains to the stream's tip once the refreshes moved every instance to v2, recording where it ended.
 */

/** The newest table-replication start with no stop recorded after it. */
export function tableReplicationInLedger(view: LedgerView): LedgerEvent | undefined {
  const start = view.latest(TABLE_REPLICATION_EVENTS.started);
  if (!start) return undefined;
  return view.since(start, [TABLE_REPLICATION_EVENTS.stopped]).length > 0 ? undefined : start;
}

export interface TableDrainContext {
  config: MigrationConfig;
  clients: AwsClients;
  drainTimeoutMs: number;
  record(event: LedgerEventDraft): Promise<LedgerEvent>;
  log(line: string): void;
}

export interface TableDrainOutcome {
  records: number;
  keysApplied: number;
  conflicts: KeyConflict[];
}

export class TableDrain {
  private constructor(
    private readonly ctx: TableDrainContext,
    private readonly catchUp: TableCatchUp,
  ) {}

  /**
   * Opens v1's stream at the saved positions, refusing (with nothing changed) positions that are gone or
   * past the stream's 24 hours.
   */
  static async open(ctx: TableDrainContext): Promise<TableDrain> {
    const catchUp = await resumeSavedCatchUp(ctx);
    if (!catchUp) {
      const { config } = ctx;
      throw new VerdictError(
        `Cutover of ${config.environment} refused: migrate-data carried the table's stream, but its positions at ${streamPositionsParameter(config.environment)} are gone, ` +
          `so the writes made to ${config.v1.table} since cannot be found. Copy the table again (migrate-data with allow-non-empty-target: true). Nothing was changed.`,
      );
    }
    return new TableDrain(ctx, catchUp);
  }

  get lines(): string[] {
    const { positions } = this.catchUp;
    return [
      `the table's stream: v1's changes to ${positions.table} since the last catch-up applied to ${positions.target} before the switch,`,
      "  and once the refreshes are done drained to the stream's tip (keys written on both sides named) and its positions recorded",
    ];
  }

  /** Before the switch: the backlog since migrate-data. v2 takes no application write yet, so no conflict. */
  async beforeSwitch(): Promise<void> {
    const result = await this.catchUp.catchUp({ detectConflicts: false, timeoutMs: this.ctx.drainTimeoutMs });
    this.ctx.log(
      `Stream of ${this.catchUp.positions.table}: ${result.records} change(s) since the last catch-up, ${result.keysApplied} key(s) applied ` +
        `(the oldest had waited ${Math.round(result.lagMs / 1000)} s).`,
    );
  }

  /** Once no instance writes v1: the last changes, with the keys v2 had changed meanwhile named. */
  async drain(strategy: string): Promise<TableDrainOutcome> {
    const result = await this.catchUp.catchUp({ detectConflicts: true, timeoutMs: this.ctx.drainTimeoutMs });
    const { positions } = result;
    await this.ctx.record({
      type: TABLE_REPLICATION_EVENTS.stopped,
      data: {
        strategy,
        table: positions.table,
        target: positions.target,
        streamArn: positions.streamArn,
        shards: positions.shards,
        records: result.records,
        keysApplied: result.keysApplied,
        conflicts: result.conflicts.map((c) => c.key),
      },
    });
    // The positions are in the ledger now; the parameter would only be a leftover.
    await this.catchUp.forget();
    this.ctx.log(
      `Stream of ${positions.table} drained to its tip and stopped: ${result.records} change(s), ${result.keysApplied} key(s) applied to ${positions.target}.`,
    );
    return { records: result.records, keysApplied: result.keysApplied, conflicts: result.conflicts };
  }
}
