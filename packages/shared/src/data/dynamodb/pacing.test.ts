import { fullJitterDelay } from './backoff.js';
import { MAX_BATCH_BYTES, putRequestBytes, toBatches } from './batches.js';
import { parseCheckpoint, CheckpointMismatchError } from './checkpoint.js';
import { SegmentProgress } from './segment-progress.js';
import { TokenBucket, type Pacing } from './token-bucket.js';

/** A clock that moves only when the bucket waits: what it waited is what the rate demands. */
function fakePacing(): Pacing & { waited: number } {
  let now = 0;
  const pacing = {
    waited: 0,
    now: () => now,
    sleep: async (ms: number) => {
      pacing.waited += ms;
      now += ms;
    },
  };
  return pacing;
}

describe('TokenBucket', () => {
  test('after the first second of burst, items go at the rate', async () => {
    const pacing = fakePacing();
    const bucket = new TokenBucket(100, pacing);
    for (let i = 0; i < 40; i++) await bucket.take(25);
    // 1000 items at 100 items/s, of which 100 came out of the full bucket: 9 s of waiting.
    expect(pacing.waited).toBeCloseTo(9000, 6);
  });

  test('a batch larger than the bucket still goes, and pays its debt', async () => {
    const pacing = fakePacing();
    const bucket = new TokenBucket(5, pacing);
    await bucket.take(25);
    expect(pacing.waited).toBeCloseTo(4000, 6);
  });

  test('refuses a rate that is not above 0', () => {
    expect(() => new TokenBucket(0)).toThrow('a rate limit must be above 0 items/s, got 0');
  });
});

describe('fullJitterDelay', () => {
  test('is uniformly up to base · 2^attempt, capped', () => {
    const policy = { baseMs: 50, capMs: 5000 };
    expect(fullJitterDelay(0, policy, () => 0.999)).toBeCloseTo(49.95);
    expect(fullJitterDelay(3, policy, () => 0.5)).toBe(200);
    expect(fullJitterDelay(30, policy, () => 1)).toBe(5000);
    expect(fullJitterDelay(2, policy, () => 0)).toBe(0);
  });
});

describe('toBatches', () => {
  test('at most 25 items a batch, in order', () => {
    const items = Array.from({ length: 60 }, (_, i) => ({ pk: { S: `k${i}` } }));
    const batches = toBatches(items);
    expect(batches.map((b) => b.length)).toEqual([25, 25, 10]);
    expect(batches.flat()).toEqual(items);
  });

  test('cuts by request bytes as sent: quotes count twice, binary as base64', () => {
    const quotes = { pk: { S: 'q' }, d: { S: '"'.repeat(390 * 1024) } };
    expect(putRequestBytes(quotes)).toBeGreaterThan(2 * 390 * 1024);
    const batches = toBatches(Array.from({ length: 25 }, () => quotes));
    expect(batches.length).toBe(2);
    for (const batch of batches) {
      expect(batch.reduce((sum, item) => sum + putRequestBytes(item), 0)).toBeLessThanOrEqual(
        MAX_BATCH_BYTES,
      );
    }
    // Never under what is sent (a few bytes over at most: the envelope is counted generously).
    const binary = { pk: { S: 'b' }, d: { B: new Uint8Array(300) } };
    const sent =
      JSON.stringify({
        PutRequest: { Item: { pk: { S: 'b' }, d: { B: Buffer.alloc(300).toString('base64') } } },
      }).length + 1;
    expect(putRequestBytes(binary)).toBeGreaterThanOrEqual(sent);
    expect(putRequestBytes(binary)).toBeLessThan(sent + 16);
  });
});

describe('SegmentProgress', () => {
  test('moves only over the unbroken run of written pages at the front', () => {
    const progress = new SegmentProgress(null);
    const first = progress.addPage(2, { pk: { S: 'a' } });
    const second = progress.addPage(1, { pk: { S: 'b' } });
    const last = progress.addPage(1, undefined);
    expect(progress.batchWritten(second)).toBe(false);
    expect(progress.batchWritten(last)).toBe(false);
    expect(progress.position).toBeNull();
    expect(progress.batchWritten(first)).toBe(false);
    expect(progress.batchWritten(first)).toBe(true);
    // The first page completes the run: every page is written, the segment is done.
    expect(progress.position).toBe('done');
    expect(progress.done).toBe(true);
  });

  test('an empty page moves the position at once; a resumed segment starts from its key', () => {
    const progress = new SegmentProgress({ pk: { S: 'k' } });
    progress.addPage(0, { pk: { S: 'm' } });
    expect(progress.position).toEqual({ pk: { S: 'm' } });
  });
});

describe('parseCheckpoint', () => {
  const valid = {
    version: 1,
    sourceTable: 'a',
    targetTable: 'b',
    totalSegments: 2,
    segments: [null, { pk: { B: 'AQI=' } }],
    items: 3,
    savedAt: 'x',
  };

  test('reads a checkpoint', () => {
    expect(parseCheckpoint(JSON.stringify(valid), 'here')).toEqual(valid);
  });

  test.each([
    ['not JSON', 'nope'],
    ['version 2, expected 1', JSON.stringify({ ...valid, version: 2 })],
    ['segments do not match the segment count', JSON.stringify({ ...valid, totalSegments: 3 })],
    ['a segment position is not a key', JSON.stringify({ ...valid, segments: [null, { pk: { M: {} } }] })],
  ])('refuses %s', (why, text) => {
    expect(() => parseCheckpoint(text, 'SSM parameter /p')).toThrow(CheckpointMismatchError);
    expect(() => parseCheckpoint(text, 'SSM parameter /p')).toThrow(
      `SSM parameter /p does not hold a DynamoDB copy checkpoint (${why})`,
    );
  });
});
