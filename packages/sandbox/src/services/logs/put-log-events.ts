import type { JsonHandler } from '../../protocols/types.js';
import type { LogEvent } from '../../world/types.js';
import { invalidParameter, logStreamNotFound } from './errors.js';
import { hasStream, namedGroup } from './groups.js';
import { requiredString } from './input.js';
import { memberMustNotBeNull } from '../../protocols/json-members.js';

/*
 * PutLogEvents' rules, from the PutLogEventsCommand documentation of the SDK's model: at most 10,000
 * events and 1,048,576 bytes (messages in UTF-8 plus 26 bytes an event), in chronological order,
 * spanning at most 24 hours; events more than 2 hours in the future or older than 14 days are rejected
 * while the others are kept. The sequence token is ignored, as AWS now ignores it. "Now" is the
 * sandbox's clock.
 */

const MAX_EVENTS = 10_000;
const MAX_BATCH_BYTES = 1_048_576;
const EVENT_OVERHEAD_BYTES = 26;
const HOUR_MS = 3_600_000;
const MAX_SPAN_MS = 24 * HOUR_MS;
const MAX_FUTURE_MS = 2 * HOUR_MS;
const MAX_AGE_MS = 14 * 24 * HOUR_MS;

let eventCounter = 0;

/** A 56-digit event id as Logs shows them: unique in the sandbox, ordered by timestamp then by write. */
export function nextEventId(timestamp: number): string {
  eventCounter += 1;
  return `${String(timestamp).padStart(20, '0')}${String(eventCounter).padStart(36, '0')}`;
}

interface InputEvent {
  timestamp: number;
  message: string;
}

export const putLogEvents: JsonHandler = (ctx, input) => {
  const group = namedGroup(ctx, { logGroupName: requiredString(input, 'logGroupName') });
  const stream = requiredString(input, 'logStreamName');
  const batch = readEvents(input['logEvents']);
  if (!hasStream(group, stream)) throw logStreamNotFound();

  const now = ctx.now().getTime();
  // Chronological order makes the too-old events a prefix and the too-new ones a suffix of the batch.
  let firstKept = 0;
  while (firstKept < batch.length && batch[firstKept]!.timestamp < now - MAX_AGE_MS) firstKept += 1;
  let end = batch.length;
  while (end > firstKept && batch[end - 1]!.timestamp > now + MAX_FUTURE_MS) end -= 1;
  const kept = batch.slice(firstKept, end);
  if (kept.length > 0 && kept[kept.length - 1]!.timestamp - kept[0]!.timestamp > MAX_SPAN_MS) {
    throw invalidParameter(
      'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.',
    );
  }

  for (const event of kept) {
    const stored: LogEvent = {
      logStreamName: stream,
      timestamp: event.timestamp,
      ingestionTime: now,
      message: event.message,
      eventId: nextEventId(event.timestamp),
    };
    group.events.push(stored);
  }

  const rejected = {
    ...(firstKept > 0 ? { tooOldLogEventEndIndex: firstKept } : {}),
    ...(end < batch.length ? { tooNewLogEventStartIndex: end } : {}),
  };
  return Object.keys(rejected).length > 0 ? { rejectedLogEventsInfo: rejected } : {};
};

function readEvents(raw: unknown): InputEvent[] {
  if (raw === undefined || raw === null) throw memberMustNotBeNull('logEvents');
  if (!Array.isArray(raw)) throw invalidParameter('logEvents must be a list of log events.');
  if (raw.length < 1 || raw.length > MAX_EVENTS) {
    throw invalidParameter(
      `1 validation error detected: Value at 'logEvents' failed to satisfy constraint: ` +
        `Member must have length ${raw.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_EVENTS}`}`,
    );
  }
  let bytes = 0;
  const events = raw.map((item, index) => {
    const event = (item ?? {}) as Record<string, unknown>;
    const { timestamp, message } = event;
    if (typeof timestamp !== 'number' || !Number.isInteger(timestamp) || timestamp < 0) {
      throw invalidParameter(`logEvents.${index + 1}.timestamp must be milliseconds since the epoch.`);
    }
    if (typeof message !== 'string' || message.length === 0) {
      throw invalidParameter(`logEvents.${index + 1}.message must be a non-empty string.`);
    }
    bytes += Buffer.byteLength(message, 'utf8') + EVENT_OVERHEAD_BYTES;
    return { timestamp, message };
  });
  if (bytes > MAX_BATCH_BYTES) {
    throw invalidParameter(`The batch of log events is ${bytes} bytes; the maximum is ${MAX_BATCH_BYTES}.`);
  }
  for (let i = 1; i < events.length; i += 1) {
    if (events[i]!.timestamp < events[i - 1]!.timestamp) {
      throw invalidParameter('Log events in a single PutLogEvents request must be in chronological order.');
    }
  }
  return events;
}
