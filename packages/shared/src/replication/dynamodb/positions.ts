import { z } from 'zod';

/*
 * Where the catch-up stands in v1's stream, saved after every applied batch so that a killed run (or the
 * cutover, hours later) goes on from there. Per shard: the sequence number of the last record applied, or
 * none yet; `ended` once a closed shard was read to its end (its children may then be read). `since` is
 * when reading began (AWS's clock): a shard with no record applied is read again from its trim horizon,
 * and its records from before `since` are skipped, since the copy's scan, which began after them, saw
 * what they wrote.
 */

const shardPosition = z.object({
  after: z.string().optional(),
  ended: z.boolean().optional(),
});

const streamPositions = z.object({
  kind: z.literal('dynamodb-stream'),
  table: z.string(),
  target: z.string(),
  streamArn: z.string(),
  since: z.string(),
  shards: z.record(z.string(), shardPosition),
});

export type ShardPosition = z.infer<typeof shardPosition>;
export type StreamPositions = z.infer<typeof streamPositions>;

export function parseStreamPositions(text: string, location: string): StreamPositions {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`The stream positions at ${location} are not JSON: delete them and copy again.`);
  }
  const parsed = streamPositions.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `The stream positions at ${location} are not in the expected form ({kind: "dynamodb-stream", table, target, streamArn, since, shards}): ` +
        `${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}. Delete them and copy again.`,
    );
  }
  return parsed.data;
}
