import type { JsonHandler } from '../../protocols/types.js';
import type { LogEvent } from '../../world/types.js';
import { invalidNextToken, invalidParameter } from './errors.js';
import { parseFilterPattern, matches } from './filter-pattern.js';
import { namedGroup } from './groups.js';
import { checkRange, optionalInteger, optionalString, optionalStrings } from './input.js';

/*
 * FilterLogEvents over one group of the caller's region, events in timestamp order (ties in the order
 * written). AWS documents that a page holds at most `limit` (default and maximum 10,000) events and
 * 1 MB, may be partial or even empty while `nextToken` is present, and that only a missing `nextToken`
 * ends the search (aws.md §13). The sandbox makes that visible: a page returns at most PAGE_EVENTS
 * events and examines at most PAGE_SCANNED of the events in the time range, so a search over a busy
 * group with few matches gives empty pages that still carry a token. A caller that stops early
 * undercounts here as it would in AWS.
 */

export const PAGE_EVENTS = 50;
export const PAGE_SCANNED = 200;
const MAX_LIMIT = 10_000;
const MAX_STREAM_NAMES = 100;

/** An event with its place in the group's list, which breaks timestamp ties and anchors the token. */
interface Positioned {
  event: LogEvent;
  index: number;
}

/** Where the previous page stopped: the last event it examined. */
interface Position {
  group: string;
  timestamp: number;
  index: number;
}

export const filterLogEvents: JsonHandler = (ctx, input) => {
  const group = namedGroup(ctx, input);
  const streamNames = optionalStrings(input, 'logStreamNames');
  const streamPrefix = optionalString(input, 'logStreamNamePrefix');
  if (streamNames !== undefined && streamPrefix !== undefined) {
    throw invalidParameter('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
  }
  if (streamNames !== undefined) checkLength('logStreamNames', streamNames.length, 1, MAX_STREAM_NAMES);
  const startTime = optionalInteger(input, 'startTime');
  const endTime = optionalInteger(input, 'endTime');
  if (startTime !== undefined) checkRange('startTime', startTime, 0, Number.MAX_SAFE_INTEGER);
  if (endTime !== undefined) checkRange('endTime', endTime, 0, Number.MAX_SAFE_INTEGER);
  if (startTime !== undefined && endTime !== undefined && startTime > endTime) {
    throw invalidParameter('startTime must be less than or equal to endTime.');
  }
  const limit = optionalInteger(input, 'limit') ?? MAX_LIMIT;
  checkRange('limit', limit, 1, MAX_LIMIT);
  const pattern = parseFilterPattern(optionalString(input, 'filterPattern'));
  const token = optionalString(input, 'nextToken');
  const after = token === undefined ? undefined : decodeToken(token, group.name);

  const streams = streamNames ? new Set(streamNames) : undefined;
  const candidates: Positioned[] = group.events
    .map((event, index) => ({ event, index }))
    .filter(({ event }) => {
      if (streams && !streams.has(event.logStreamName)) return false;
      if (streamPrefix !== undefined && !event.logStreamName.startsWith(streamPrefix)) return false;
      // Both bounds are inclusive: the model says events *before* startTime and *later than* endTime are left out.
      if (startTime !== undefined && event.timestamp < startTime) return false;
      return endTime === undefined || event.timestamp <= endTime;
    })
    .filter((candidate) => after === undefined || isAfter(candidate, after))
    .sort((a, b) => a.event.timestamp - b.event.timestamp || a.index - b.index);

  const pageSize = Math.min(limit, PAGE_EVENTS);
  const events: LogEvent[] = [];
  let examined = 0;
  while (examined < candidates.length && examined < PAGE_SCANNED && events.length < pageSize) {
    const { event } = candidates[examined]!;
    if (matches(pattern, event.message)) events.push(event);
    examined += 1;
  }

  const last = candidates[examined - 1];
  const more = examined < candidates.length;
  const position: Position | undefined =
    last !== undefined ? { group: group.name, timestamp: last.event.timestamp, index: last.index } : after;
  return {
    events: events.map((event) => ({
      logStreamName: event.logStreamName,
      timestamp: event.timestamp,
      message: event.message,
      ingestionTime: event.ingestionTime,
      eventId: event.eventId,
    })),
    ...(more && position ? { nextToken: encodeToken(position) } : {}),
  };
};

function isAfter(candidate: Positioned, position: Position): boolean {
  const { timestamp } = candidate.event;
  return (
    timestamp > position.timestamp || (timestamp === position.timestamp && candidate.index > position.index)
  );
}

function checkLength(member: string, length: number, min: number, max: number): void {
  if (length < min || length > max) {
    throw invalidParameter(
      `1 validation error detected: Value at '${member}' failed to satisfy constraint: ` +
        `Member must have length ${length < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`}`,
    );
  }
}

function encodeToken(position: Position): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** A token names the group it was issued for: one from another group's search is refused. */
function decodeToken(token: string, group: string): Position {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidNextToken();
  }
  const position = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Partial<Position>;
  if (
    position.group !== group ||
    !Number.isInteger(position.timestamp) ||
    !Number.isInteger(position.index)
  ) {
    throw invalidNextToken();
  }
  return position as Position;
}
