import type { JsonAttributeMap } from './attribute-json.js';

/**
 * Where one Scan segment of a copy stands:
 * - `null`: not started (or nothing of it confirmed written yet): scan it from its beginning;
 * - a key: the `LastEvaluatedKey` of the last page whose items are all written, and of every page before
 *   it; the scan resumes with it as `ExclusiveStartKey` (re-writing a page is harmless: a put of the same item);
 * - `'done'`: every page of the segment is written.
 * Keys are kept as JSON AttributeValues, binary as base64, so they come back byte-identical.
 */
export type SegmentPosition = null | 'done' | JsonAttributeMap;

/** What a copy records so that a re-run after a kill continues where the last one got to. */
export interface Checkpoint {
  version: 1;
  sourceTable: string;
  targetTable: string;
  /** Positions are only meaningful for the same segmentation. */
  totalSegments: number;
  segments: SegmentPosition[];
  /** Items written by every run so far (a page re-written after a kill counts twice). */
  items: number;
  savedAt: string;
}

/** Keeps one copy's checkpoint. `location` names it in messages ("SSM parameter /x in us-east-1"). */
export interface CheckpointStore {
  readonly location?: string;
  load(): Promise<Checkpoint | undefined>;
  save(checkpoint: Checkpoint): Promise<void>;
  clear(): Promise<void>;
}

/** A checkpoint exists, but for another copy: resuming from it would skip or misplace items. */
export class CheckpointMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointMismatchError';
  }
}

/** What a copy is, as its checkpoint must name it. */
export interface CopyIdentity {
  sourceTable: string;
  targetTable: string;
  totalSegments: number;
}

/** Refuses a checkpoint recorded for other tables or another segmentation, saying what to do. */
export function assertCheckpointFor(checkpoint: Checkpoint, copy: CopyIdentity, location: string): void {
  const same =
    checkpoint.sourceTable === copy.sourceTable &&
    checkpoint.targetTable === copy.targetTable &&
    checkpoint.totalSegments === copy.totalSegments;
  if (same) return;
  throw new CheckpointMismatchError(
    `The checkpoint in ${location} is for a copy of ${checkpoint.sourceTable} → ${checkpoint.targetTable} in ` +
      `${checkpoint.totalSegments} segments, but this copy is ${copy.sourceTable} → ${copy.targetTable} in ` +
      `${copy.totalSegments} segments. Re-run with the same tables and segments to resume that copy, or delete ` +
      `the checkpoint to start this one from the beginning.`,
  );
}

/** Reads a stored checkpoint, refusing anything that is not one (a hand-edited or foreign value). */
export function parseCheckpoint(text: string, location: string): Checkpoint {
  const fail = (why: string): never => {
    throw new CheckpointMismatchError(
      `${location} does not hold a DynamoDB copy checkpoint (${why}). Delete it, or point the copy at another ` +
        'checkpoint location.',
    );
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail('not JSON');
  }
  if (typeof value !== 'object' || value === null) return fail('not a JSON object');
  const c = value as Record<string, unknown>;
  if (c['version'] !== 1) return fail(`version ${JSON.stringify(c['version'])}, expected 1`);
  if (typeof c['sourceTable'] !== 'string' || typeof c['targetTable'] !== 'string')
    return fail('no table names');
  const total = c['totalSegments'];
  if (typeof total !== 'number' || !Number.isInteger(total) || total < 1) return fail('no segment count');
  const segments = c['segments'];
  if (!Array.isArray(segments) || segments.length !== total)
    return fail('segments do not match the segment count');
  for (const position of segments as unknown[]) {
    if (position !== null && position !== 'done' && !isKey(position))
      return fail('a segment position is not a key');
  }
  return {
    version: 1,
    sourceTable: c['sourceTable'],
    targetTable: c['targetTable'],
    totalSegments: total,
    segments: segments as SegmentPosition[],
    items: typeof c['items'] === 'number' ? c['items'] : 0,
    savedAt: typeof c['savedAt'] === 'string' ? c['savedAt'] : '',
  };
}

/** A key map: every attribute a scalar key type (S, N or B as base64 text). */
function isKey(value: unknown): value is JsonAttributeMap {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const attributes = Object.values(value as Record<string, unknown>);
  return (
    attributes.length > 0 &&
    attributes.every((attribute) => {
      if (typeof attribute !== 'object' || attribute === null) return false;
      const entries = Object.entries(attribute);
      return (
        entries.length === 1 && ['S', 'N', 'B'].includes(entries[0]![0]) && typeof entries[0]![1] === 'string'
      );
    })
  );
}
