import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JsonStore } from '../../data/dynamodb/ssm-checkpoint-store.js';
import { VerdictError } from '../../errors/index.js';
import { applyChanges, type KeyConflict } from './apply.js';
import { PendingChanges } from './pending.js';
import type { StreamPositions } from './positions.js';
import { StreamReader } from './reader.js';
import type { TableStream } from './stream-of-table.js';

/** DynamoDB keeps a stream's records 24 hours. */
export const STREAM_RETENTION_MS = 24 * 60 * 60_000;
/** A resume must leave this much of the retention to read what is left before it is trimmed. */
const RETENTION_MARGIN_MS = 60 * 60_000;
/** How often the stream is read while the copy's scan runs (an iterator expires after 15 minutes). */
const FOLLOW_INTERVAL_MS = 1000;
/** Rounds with nothing new, in a row, before the reader counts as at the stream's tip (a page may be empty mid-shard). */
const IDLE_ROUNDS = 2;

export interface TableCatchUpOptions {
  streams: DynamoDBStreamsClient;
  /** A client of the Region of the v2 table. */
  dynamodb: DynamoDBClient;
  /** The v2 table. */
  target: string;
  /** Where the positions are kept between runs. */
  store: JsonStore<StreamPositions>;
  /** AWS's time, for `since` and the lag. */
  now(): Date;
}

export interface CatchUpResult {
  /** Keys given their last image on v2 (a put or a delete). */
  keysApplied: number;
  /** Stream records read by this catch-up (those read while following included). */
  records: number;
  /** The age of the oldest change not applied when the catch-up began; 0 when there was none. */
  lagMs: number;
  conflicts: KeyConflict[];
  positions: StreamPositions;
}

/**
 * DynamoDB Streams catch-up, v1's table to v2's. Begun before the copy's scan, it reads every shard of
 * v1's stream from that moment on while the scan runs, keeping each changed key's last image; once the
 * copy is done, `catchUp` gives v2 those images, then reads and applies until it is at the stream's tip.
 * Whatever the scan saw of a key, v2 ends with the key as v1's last change left it: the copy converges.
 * The positions are saved after each applied batch, so that a killed run, or the cutover hours later,
 * goes on where this left off. Nothing runs between two catch-ups: the stream holds v1's changes for 24
 * hours, which is how long a cutover may come after the copy.
 */
export class TableCatchUp {
  private readonly pending = new PendingChanges();
  private following: Promise<void> | undefined;
  private stopFollowing = false;
  private failure: unknown;
  private records = 0;
  /** `records` when the last catch-up ended: each result counts what was read since. */
  private recordsReported = 0;

  private constructor(
    private readonly options: TableCatchUpOptions,
    private readonly reader: StreamReader,
  ) {}

  /** Before the scan: from now on. The positions are saved at once, so that a kill leaves them known. */
  static async begin(options: TableCatchUpOptions, stream: TableStream): Promise<TableCatchUp> {
    const positions: StreamPositions = {
      kind: 'dynamodb-stream',
      table: stream.table,
      target: options.target,
      streamArn: stream.streamArn,
      since: options.now().toISOString(),
      shards: {},
    };
    const reader = new StreamReader(options.streams, positions);
    await reader.openAtLatest();
    await options.store.save(positions);
    return new TableCatchUp(options, reader);
  }

  /**
   * From saved positions: a copy resumed after a kill, or the cutover's drain. A shard nothing was applied
   * from is read from its trim horizon, which must still reach back to `since`.
   */
  static async resume(options: TableCatchUpOptions, positions: StreamPositions): Promise<TableCatchUp> {
    const unread = Object.entries(positions.shards).filter(([, p]) => !p.ended && !p.after);
    const age = options.now().getTime() - Date.parse(positions.since);
    if (unread.length > 0 && age > STREAM_RETENTION_MS - RETENTION_MARGIN_MS) {
      throw new VerdictError(
        `The catch-up of the v1 table ${positions.table} began ${hours(age)} ago and ${unread.length} shard(s) of its stream ` +
          `have had nothing applied since: the stream keeps 24 hours, so what v1 wrote then is being trimmed. ` +
          `Copy the table again (delete ${options.store.location}; migrate-data with allow-non-empty-target: true).`,
      );
    }
    const reader = new StreamReader(options.streams, positions);
    await reader.openAtPositions();
    return new TableCatchUp(options, reader);
  }

  get positions(): StreamPositions {
    return this.reader.positions;
  }

  /**
   * While the scan runs: the stream is read every second into the pending changes (applied only once the
   * copy is done, since the scan may still write an older image of a key). `onFailure` hears of a
   * reading that failed, so that the copy can stop at once rather than finish for nothing.
   */
  follow(onFailure: (error: unknown) => void): void {
    this.stopFollowing = false;
    this.following = (async () => {
      while (!this.stopFollowing) {
        try {
          this.take(await this.reader.read());
        } catch (error) {
          this.failure = error;
          onFailure(error);
          return;
        }
        if (this.reader.atTip) await sleep(FOLLOW_INTERVAL_MS);
      }
    })();
  }

  /** Stops following without applying (the copy failed): the saved positions stay where they were. */
  async stop(): Promise<void> {
    this.stopFollowing = true;
    await this.following;
    this.following = undefined;
  }

  /** Once the stream is drained and its positions recorded elsewhere (the ledger): the saved ones go. */
  async forget(): Promise<void> {
    await this.stop();
    await this.options.store.clear();
  }

  /** The age of the oldest change read and not applied. */
  lagMs(): number {
    const oldest = this.pending.oldest();
    return oldest ? Math.max(0, this.options.now().getTime() - oldest.getTime()) : 0;
  }

  /**
   * Applies what is pending, then reads and applies until the reader is at the stream's tip. Fails past
   * `timeoutMs` (v1 still taking writes faster than they are carried).
   */
  async catchUp(options: { detectConflicts: boolean; timeoutMs: number }): Promise<CatchUpResult> {
    this.stopFollowing = true;
    await this.following;
    this.following = undefined;
    if (this.failure) throw this.failure;
    const lagMs = this.pending.size > 0 ? this.lagMs() : await this.firstRoundLag();
    const deadline = Date.now() + options.timeoutMs;
    const conflicts: KeyConflict[] = [];
    let keysApplied = 0;
    let idle = 0;
    for (;;) {
      if (this.pending.size > 0) {
        const { keys, changes } = this.pending.take();
        conflicts.push(
          ...(await applyChanges(
            {
              dynamodb: this.options.dynamodb,
              table: this.options.target,
              detectConflicts: options.detectConflicts,
            },
            keys,
          )),
        );
        keysApplied += keys.length;
        this.reader.committed(changes);
        await this.options.store.save(this.reader.positions);
      }
      if (idle >= IDLE_ROUNDS) break;
      if (Date.now() > deadline) {
        throw new Error(
          `The catch-up of the v1 table ${this.positions.table} did not reach the stream's tip within ${Math.round(options.timeoutMs / 1000)} s ` +
            `(${keysApplied} keys applied, the oldest change still waiting is ${Math.round(this.lagMs() / 1000)} s old): ` +
            'v1 takes writes faster than they are carried. Its positions are saved; run again once the load is lower.',
        );
      }
      this.take(await this.reader.read());
      idle = this.reader.atTip ? idle + 1 : 0;
    }
    // What the positions name as read and applied is now saved; a commit of the last idle rounds' ends.
    this.reader.committed([]);
    await this.options.store.save(this.reader.positions);
    const records = this.records - this.recordsReported;
    this.recordsReported = this.records;
    return {
      keysApplied,
      records,
      lagMs,
      conflicts,
      positions: this.reader.positions,
    };
  }

  /** With nothing pending yet (a resume), the lag is that of the first change the first round reads. */
  private async firstRoundLag(): Promise<number> {
    this.take(await this.reader.read());
    return this.lagMs();
  }

  private take(changes: Awaited<ReturnType<StreamReader['read']>>): void {
    this.records += changes.length;
    this.pending.add(changes);
  }
}

function hours(ms: number): string {
  return `${(ms / 3_600_000).toFixed(1)} h`;
}
