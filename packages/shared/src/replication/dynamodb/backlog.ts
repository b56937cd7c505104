import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { canonicalItem } from '../../data/dynamodb/canonical.js';
import type { StreamPositions } from './positions.js';
import { StreamReader } from './reader.js';

/** Rounds read at most: enough to find the oldest change waiting, not to read the whole backlog. */
const MAX_ROUNDS = 10;

export interface StreamBacklog {
  /** When v1 took the oldest change not yet applied to v2; undefined when none waits. */
  oldest?: Date;
  /** Changes seen waiting (a lower bound once MAX_ROUNDS were read). */
  seen: number;
  /** Whether the reading reached the stream's tip, so that `seen` is all of it. */
  complete: boolean;
}

/**
 * What waits in v1's stream past the saved positions, read and not applied (the positions are a copy):
 * the lag of the table's catch-up is the age of the oldest change waiting. Read-only, for verify-v2.
 */
export async function streamBacklog(
  streams: DynamoDBStreamsClient,
  positions: StreamPositions,
): Promise<StreamBacklog> {
  const reader = new StreamReader(streams, structuredClone(positions));
  await reader.openAtPositions();
  let oldest: Date | undefined;
  let seen = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const changes = await reader.read();
    seen += changes.length;
    for (const change of changes) if (!oldest || change.at < oldest) oldest = change.at;
    if (reader.atTip) return { ...(oldest ? { oldest } : {}), seen, complete: true };
  }
  return { ...(oldest ? { oldest } : {}), seen, complete: false };
}

/** Rounds read at most for the keys changed: past this, the stream outruns the reading. */
const MAX_KEY_ROUNDS = 200;

/**
 * The keys v1 changed past the positions (canonical text), read to the stream's tip: what the next
 * catch-up carries. Read-only (the positions are a copy). Throws when the tip is not reached, since a
 * key left out would turn a change in flight into a reported loss.
 */
export async function changedKeysSince(
  streams: DynamoDBStreamsClient,
  positions: StreamPositions,
): Promise<Set<string>> {
  const reader = new StreamReader(streams, structuredClone(positions));
  await reader.openAtPositions();
  const keys = new Set<string>();
  let idle = 0;
  for (let round = 0; round < MAX_KEY_ROUNDS; round++) {
    for (const change of await reader.read()) keys.add(canonicalItem(change.keys));
    idle = reader.atTip ? idle + 1 : 0;
    if (idle >= 2) return keys;
  }
  throw new Error(
    `The stream of ${positions.table} did not reach its tip in ${MAX_KEY_ROUNDS} reads: v1 changes faster than it can be read here.`,
  );
}
