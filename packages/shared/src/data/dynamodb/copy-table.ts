import { paginateScan, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describeAwsError } from '../../errors/index.js';
import { fromJsonMap } from './attribute-json.js';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { writeBatch, type BatchWriterOptions } from './batch-writer.js';
import { toBatches } from './batches.js';
import { assertCheckpointFor, type CheckpointStore, type SegmentPosition } from './checkpoint.js';
import { Checkpointer } from './checkpointer.js';
import { CopyAbortedError, DynamoDbCopyError } from './copy-errors.js';
import { ProgressReporter } from './progress.js';
import { SegmentProgress } from './segment-progress.js';
import { Slots } from './slots.js';
import { TokenBucket } from './token-bucket.js';

/** A table and the client of its region. */
export interface TableRef {
  client: DynamoDBClient;
  table: string;
}

export interface CopyTableOptions {
  /** The v1 table, read with consistent parallel Scans. */
  source: TableRef;
  /** The v2 table, written with BatchWriteItem; it must exist. */
  target: TableRef;
  /** Parallel Scan segments (1–1000). Default 8. A resumed copy must use the same number. */
  segments?: number;
  /** BatchWriteItem calls in flight (1–256). Default 16. */
  concurrency?: number;
  /** Items per second across all writers, for a live table; unlimited when absent. */
  rateLimit?: number;
  /** Items per Scan page (`Limit`); DynamoDB's 1 MB pages when absent. */
  pageSize?: number;
  /** Where the per-segment positions are kept; without one a copy cannot resume. */
  checkpoint?: CheckpointStore;
  /** Least time between two periodic checkpoint saves. Default 5 s. */
  checkpointIntervalMs?: number;
  /** Progress lines (items, items/s) at most this often. Default 5 s. */
  progressIntervalMs?: number;
  /** How long a batch may make no progress under UnprocessedItems or throttling before the copy fails. Default 5 min. */
  unprocessedTimeoutMs?: number;
  backoff?: BackoffPolicy;
  log?: (line: string) => void;
  /** Stops the copy: positions are saved and CopyAbortedError is thrown. */
  signal?: AbortSignal;
}

export interface CopyResult {
  /** Items written by this run (a resumed run writes only what was left, plus any page re-written). */
  items: number;
  seconds: number;
  segments: number;
  /** Whether this run continued from a checkpoint. */
  resumed: boolean;
}

const DEFAULTS = {
  segments: 8,
  concurrency: 16,
  checkpointIntervalMs: 5000,
  progressIntervalMs: 5000,
  unprocessedTimeoutMs: 5 * 60 * 1000,
};

/**
 * Copies every item of the source table to the target table, raw AttributeValues end to end (38-digit
 * numbers, binary, sets, maps and lists arrive byte-identical). Parallel consistent Scan segments feed a
 * pool of concurrent BatchWriteItem calls; a Scan waits while every writer is busy, so memory stays at
 * about one page per segment plus the batches in flight. With a checkpoint store the copy is resumable:
 * each segment's position (the last page whose items are all written) is saved every few seconds and
 * when the segment finishes; a re-run after a kill continues from there and a finished copy clears it.
 */
export async function copyTable(options: CopyTableOptions): Promise<CopyResult> {
  const started = performance.now();
  const { source, target } = options;
  const segments = integerIn('segments', options.segments ?? DEFAULTS.segments, 1, 1000);
  const concurrency = integerIn('concurrency', options.concurrency ?? DEFAULTS.concurrency, 1, 256);
  const log = options.log ?? (() => {});
  const store = options.checkpoint;
  const identity = { sourceTable: source.table, targetTable: target.table, totalSegments: segments };
  const name = `${source.table} → ${target.table}`;

  const loaded = await store?.load();
  if (loaded) assertCheckpointFor(loaded, identity, store?.location ?? 'the checkpoint store');
  const starts: SegmentPosition[] = loaded?.segments ?? Array.from({ length: segments }, () => null);
  const progress = starts.map((position) => new SegmentProgress(position));
  const earlierItems = loaded?.items ?? 0;
  let written = 0;

  const checkpointer = new Checkpointer(
    store,
    identity,
    () => ({ segments: progress.map((p) => p.position), items: earlierItems + written }),
    options.checkpointIntervalMs ?? DEFAULTS.checkpointIntervalMs,
    log,
  );
  const reporter = new ProgressReporter(name, options.progressIntervalMs ?? DEFAULTS.progressIntervalMs, log);
  // Recorded before the first item is written: a copy killed before its first periodic save must still be
  // known as an interrupted copy to the next run (which resumes it), not as a table someone else filled.
  if (store && !loaded) await checkpointer.flush();

  // One signal stops everything: the caller's, or the first failure.
  const controller = new AbortController();
  let failure: unknown;
  const fail = (error: unknown) => {
    failure ??= error;
    controller.abort(error);
  };
  const onCallerAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) onCallerAbort();
  options.signal?.addEventListener('abort', onCallerAbort, { once: true });

  const bucket = options.rateLimit === undefined ? undefined : new TokenBucket(options.rateLimit);
  const writer: BatchWriterOptions = {
    client: target.client,
    table: target.table,
    unprocessedTimeoutMs: options.unprocessedTimeoutMs ?? DEFAULTS.unprocessedTimeoutMs,
    backoff: options.backoff ?? DEFAULT_BACKOFF,
    signal: controller.signal,
    ...(bucket ? { beforeSend: (items: number, signal: AbortSignal) => bucket.take(items, signal) } : {}),
  };
  const slots = new Slots(concurrency);
  const inFlight = new Set<Promise<void>>();
  let resends = 0;

  const remaining = progress.filter((p) => !p.done).length;
  log(
    `Copying ${name}: ${segments} Scan segments, ${concurrency} concurrent writers, ` +
      `${options.rateLimit === undefined ? 'no rate limit' : `at most ${options.rateLimit} items/s`}` +
      (loaded
        ? `; resuming from ${store?.location ?? 'the checkpoint'} (${segments - remaining} segments done, ` +
          `${loaded.items} items written before)`
        : ''),
  );

  async function copySegment(index: number): Promise<void> {
    const segment = progress[index]!;
    const position = segment.position;
    if (position === 'done') return;
    const start = position === null ? undefined : fromJsonMap(position);
    const pages = paginateScan(
      { client: source.client, ...(options.pageSize ? { pageSize: options.pageSize } : {}) },
      {
        TableName: source.table,
        Segment: index,
        TotalSegments: segments,
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      },
      { abortSignal: controller.signal },
    );
    for await (const page of pages) {
      const batches = toBatches(page.Items ?? []);
      const pending = segment.addPage(batches.length, page.LastEvaluatedKey);
      // An empty page moves the position at once.
      if (batches.length === 0) checkpointer.request(segment.done);
      for (const batch of batches) {
        await slots.acquire(controller.signal);
        const task: Promise<void> = writeBatch(writer, batch)
          .then((outcome) => {
            written += batch.length;
            resends += outcome.resends;
            if (segment.batchWritten(pending)) checkpointer.request(segment.done);
            reporter.tick(written, progress.filter((p) => p.done).length, segments);
          }, fail)
          .finally(() => {
            slots.release();
            inFlight.delete(task);
          });
        inFlight.add(task);
      }
    }
  }

  await Promise.all(
    progress.map((_, index) =>
      copySegment(index).catch((error: unknown) => {
        if (controller.signal.aborted) return fail(error);
        fail(
          new DynamoDbCopyError(
            source.table,
            describeAwsError(error, { operation: 'dynamodb:Scan', resource: source.table }),
            error,
          ),
        );
      }),
    ),
  );
  while (inFlight.size > 0) await Promise.all([...inFlight]);
  options.signal?.removeEventListener('abort', onCallerAbort);

  const seconds = (performance.now() - started) / 1000;
  if (failure !== undefined || controller.signal.aborted) {
    // Whatever stopped the copy, the positions reached so far are what a re-run resumes from.
    try {
      await checkpointer.flush();
    } catch (error) {
      log(
        `Warning: the copy checkpoint could not be saved: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const where = store
      ? `; ${written} items written in this run, positions saved to ${store.location ?? 'the checkpoint store'}: re-run to continue`
      : '';
    if (options.signal?.aborted)
      throw new CopyAbortedError(target.table, `The copy ${name} was stopped${where}.`);
    throw failure;
  }
  await checkpointer.clear();
  log(
    `Copied ${name}: ${written} items in ${seconds.toFixed(1)} s (${Math.round(written / Math.max(seconds, 0.001))} ` +
      `items/s), ${resends} batch resends for UnprocessedItems or throttling.`,
  );
  return { items: written, seconds, segments, resumed: loaded !== undefined };
}

function integerIn(option: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`copyTable: ${option} must be a whole number from ${min} to ${max}, got ${value}`);
  }
  return value;
}
