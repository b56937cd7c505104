import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Checkpoint } from '../data/dynamodb/checkpoint.js';
import {
  catchUpOptions,
  streamPositionsParameter,
  streamPositionsStore,
  TableCatchUp,
  tableStream,
  type StreamPositions,
  type TableStream,
} from '../replication/dynamodb/index.js';
import type { MigrateContext, TableReplicationRecord } from './types.js';

/*
 * `replication: logical` for the table: v1's stream is read from before the copy's scan, and once the
 * copy is done every change it carried is applied to v2 per key, so that the copy converges whatever
 * the scan saw. The positions reached are kept (SSM), and the cutover drains from them.
 */

export const TABLE_REPLICATION_EVENTS = {
  started: 'table-replication-started',
  stopped: 'table-replication-stopped',
} as const;

/** How long the catch-up after the copy may take to reach the stream's tip. */
const CATCH_UP_TIMEOUT_MS = 30 * 60_000;

export interface PlannedTableReplication {
  lines: string[];
  /** Runs `copy` between the stream's opening and its catch-up; `signal` stops the copy if reading fails. */
  around(
    copy: (signal: AbortSignal) => Promise<number>,
  ): Promise<{ items: number; record: TableReplicationRecord }>;
}

export async function planTableReplication(
  ctx: MigrateContext,
  dynamodb: DynamoDBClient,
  resumingCopy: Checkpoint | undefined,
): Promise<PlannedTableReplication> {
  const { config, clients } = ctx;
  const region = config.regions.primary;
  const stream = await tableStream(dynamodb, config.v1.table, region);
  const store = streamPositionsStore(clients.ssm(region), config.environment);
  const saved = await store.load();
  // A killed copy resumes with the positions it saved, if they are of this stream; anything else starts over.
  const resume =
    resumingCopy && saved && saved.streamArn === stream.streamArn && saved.target === config.v2.table
      ? saved
      : undefined;
  const parameter = streamPositionsParameter(config.environment);
  const lines = [
    `carry v1's writes to v2 through the table's stream ${stream.streamArn} (${stream.viewType}): read from before the scan, ` +
      'each changed key given its last image once the copy is done, then read to the tip',
    resume
      ? `resume the stream from the positions at ${parameter} (read since ${resume.since})`
      : `positions kept at ${parameter} (SSM, ${region}); the cutover drains from them, within the stream's 24 hours`,
  ];
  return {
    lines,
    async around(copy) {
      const options = catchUpOptions(ctx, config.v2.table);
      const catchUp = resume
        ? await TableCatchUp.resume(options, resume)
        : await TableCatchUp.begin(options, stream);
      // Recorded at once: a run that dies during the copy leaves positions the cutover must not ignore.
      await ctx.record?.({
        type: TABLE_REPLICATION_EVENTS.started,
        data: startedData(stream, catchUp.positions, parameter),
      });
      const reading = new AbortController();
      catchUp.follow((error) => reading.abort(error));
      let items: number;
      try {
        items = await copy(reading.signal);
      } catch (error) {
        await catchUp.stop();
        throw reading.signal.aborted ? reading.signal.reason : error;
      }
      ctx.log(`Stream of ${config.v1.table}: the copy is done; applying what v1 wrote meanwhile.`);
      const result = await catchUp.catchUp({ detectConflicts: false, timeoutMs: CATCH_UP_TIMEOUT_MS });
      ctx.log(
        `Stream of ${config.v1.table}: ${result.records} change(s) read, ${result.keysApplied} key(s) given their last image on ${config.v2.table}; ` +
          `at the stream's tip (the oldest had waited ${Math.round(result.lagMs / 1000)} s).`,
      );
      return {
        items,
        record: {
          streamArn: stream.streamArn,
          positions: parameter,
          since: result.positions.since,
          records: result.records,
          keysApplied: result.keysApplied,
        },
      };
    },
  };
}

function startedData(stream: TableStream, positions: StreamPositions, parameter: string) {
  return {
    mode: 'dynamodb-stream',
    table: stream.table,
    target: positions.target,
    streamArn: stream.streamArn,
    since: positions.since,
    positions: parameter,
  };
}
