import { AwsError } from '../../errors.js';

/** A shard iterator is valid for 15 minutes after it was handed out (sandbox clock). */
export const ITERATOR_LIFETIME_MS = 15 * 60 * 1000;

/**
 * What a shard iterator stands for: a position in one shard, given at a time. It travels as an opaque
 * string, as AWS's do, so that the sandbox keeps no iterator state of its own.
 */
export interface IteratorPosition {
  streamArn: string;
  shardId: string;
  /** Records with a sequence number above this are next; "0" is before every record. */
  after: string;
  issuedAtMs: number;
}

export function encodeIterator(position: IteratorPosition): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** The position an iterator stands for; ExpiredIteratorException after 15 minutes. */
export function decodeIterator(iterator: unknown, now: Date): IteratorPosition {
  let position: IteratorPosition | undefined;
  if (typeof iterator === 'string' && iterator.length > 0) {
    try {
      position = JSON.parse(Buffer.from(iterator, 'base64url').toString('utf8')) as IteratorPosition;
    } catch {
      position = undefined;
    }
  }
  if (!position || typeof position.streamArn !== 'string' || typeof position.after !== 'string') {
    throw new AwsError(
      'ValidationException',
      'ShardIterator must be a value returned by GetShardIterator or a previous GetRecords.',
    );
  }
  if (now.getTime() - position.issuedAtMs > ITERATOR_LIFETIME_MS) {
    throw new AwsError(
      'ExpiredIteratorException',
      'Iterator expired. The iterator was created over 15 minutes ago.',
    );
  }
  return position;
}
