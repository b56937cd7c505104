import { setTimeout as sleep } from 'node:timers/promises';
import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { classifyAwsError, describeAwsError } from '../../errors/index.js';
import type { AttributeMap } from './attribute-json.js';
import { fullJitterDelay, type BackoffPolicy } from './backoff.js';
import { DynamoDbCopyError } from './copy-errors.js';

export interface BatchWriterOptions {
  client: DynamoDBClient;
  table: string;
  /** How long a batch may go without any of its items being written before the copy gives up. */
  unprocessedTimeoutMs: number;
  backoff: BackoffPolicy;
  signal: AbortSignal;
  /** Called before every BatchWriteItem with the number of items it sends (the rate limit). */
  beforeSend?: (items: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
}

/** What writing one batch took: resends are what write pressure cost. */
export interface BatchOutcome {
  resends: number;
}

/**
 * Writes one batch of items with BatchWriteItem until DynamoDB has taken all of them: `UnprocessedItems`
 * are resent after a full-jitter backoff that grows while nothing gets through and starts over when
 * something does. Throttling is first the SDK's business (the client's retry strategy); one that
 * outlives it is treated as "nothing processed" and backed off the same way. Any other error, or a batch
 * that makes no progress for `unprocessedTimeoutMs`, fails the copy with a message naming the table.
 */
export function writeBatch(options: BatchWriterOptions, items: AttributeMap[]): Promise<BatchOutcome> {
  return writeRequests(
    options,
    items.map((Item) => ({ PutRequest: { Item } })),
  );
}

/**
 * {@link writeBatch} for puts and deletes alike (a stream's records applied): at most 25 requests, no two
 * on one key, as BatchWriteItem requires.
 */
export async function writeRequests(
  options: BatchWriterOptions,
  requests: WriteRequest[],
): Promise<BatchOutcome> {
  const { client, table, signal } = options;
  let pending = requests;
  let attempt = 0;
  let resends = 0;
  let stalledSince: number | undefined;
  for (;;) {
    await options.beforeSend?.(pending.length, signal);
    let unprocessed: WriteRequest[];
    try {
      const output = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }), {
        abortSignal: signal,
      });
      unprocessed = output.UnprocessedItems?.[table] ?? [];
    } catch (error) {
      if (signal.aborted) throw error;
      if (classifyAwsError(error) !== 'throttled') {
        throw new DynamoDbCopyError(
          table,
          describeAwsError(error, { operation: 'dynamodb:BatchWriteItem', resource: table }),
          error,
        );
      }
      unprocessed = pending;
    }
    if (unprocessed.length === 0) return { resends };

    if (unprocessed.length < pending.length) {
      attempt = 0;
      stalledSince = undefined;
    }
    const now = performance.now();
    stalledSince ??= now;
    if (now - stalledSince >= options.unprocessedTimeoutMs) {
      throw new DynamoDbCopyError(
        table,
        `${unprocessed.length} items for ${table} stayed unprocessed by BatchWriteItem for ` +
          `${Math.round((now - stalledSince) / 1000)} s: the table's write capacity is exhausted. Raise its ` +
          'write capacity (or let on-demand scale up), or lower the copy rate limit, and re-run: the copy ' +
          'resumes from its checkpoint.',
      );
    }
    await sleep(fullJitterDelay(attempt++, options.backoff, options.random), undefined, { signal });
    pending = unprocessed;
    resends++;
  }
}
