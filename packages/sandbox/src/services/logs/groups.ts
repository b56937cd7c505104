import type { JsonHandler, RequestContext } from '../../protocols/types.js';
import type { LogEvent } from '../../world/types.js';
import {
  invalidNextToken,
  invalidParameter,
  logGroupAlreadyExists,
  logGroupNotFound,
  logStreamAlreadyExists,
} from './errors.js';
import { checkRange, optionalInteger, optionalString, requiredString } from './input.js';

/*
 * Log groups live in the world as `logGroups: name → events`, which is all the application fleet needs
 * to write its logs. What only the Logs API sees (when a group was created, which streams were created
 * in it) is kept here, beside the group's event list: a group the fleet made directly has no such
 * record, and its streams are the ones its events name.
 */

interface GroupRecord {
  creationTime: number;
  streams: Set<string>;
}

const records = new WeakMap<LogEvent[], GroupRecord>();

/** Log group names: 1–512 of letters, digits and `_ - / . #` (the CreateLogGroup model). */
const GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;
/** Log stream names: 1–512 characters, no `:` or `*`. */
const STREAM_NAME = /^[^:*]{1,512}$/;
const DESCRIBE_PAGE = 50;

export interface LogGroupRef {
  name: string;
  events: LogEvent[];
}

/** The ARN of a group as `logGroupIdentifier` takes it (no trailing `:*`). */
export function groupArn(ctx: RequestContext, name: string): string {
  return ctx.world.arn('logs', ctx.region, `log-group:${name}`);
}

/**
 * The group a request names with `logGroupName` or `logGroupIdentifier` (a name or an ARN without the
 * trailing `:*`), exactly one of the two.
 */
export function namedGroup(ctx: RequestContext, input: Record<string, unknown>): LogGroupRef {
  const name = optionalString(input, 'logGroupName');
  const identifier = optionalString(input, 'logGroupIdentifier');
  if (name !== undefined && identifier !== undefined) {
    throw invalidParameter('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  }
  if (name === undefined && identifier === undefined) {
    throw invalidParameter('Either logGroupName or logGroupIdentifier must be specified.');
  }
  const groupName = name ?? nameFromIdentifier(ctx, identifier!);
  const events = groupName === undefined ? undefined : ctx.world.region(ctx.region).logGroups.get(groupName);
  if (!events) throw logGroupNotFound();
  return { name: groupName!, events };
}

/** A name, or the name in an ARN of this account and region; undefined for another account's or region's. */
function nameFromIdentifier(ctx: RequestContext, identifier: string): string | undefined {
  if (!identifier.startsWith('arn:')) return identifier;
  const arn = /^arn:aws:logs:([^:]+):(\d{12}):log-group:(.+)$/.exec(identifier);
  if (!arn) throw invalidParameter(`Invalid logGroupIdentifier: ${identifier}.`);
  if (arn[3]!.endsWith(':*')) {
    throw invalidParameter('The logGroupIdentifier ARN must not end with :* (use the logGroupArn form).');
  }
  return arn[1] === ctx.region && arn[2] === ctx.world.accountId ? arn[3] : undefined;
}

/** Whether a stream exists in a group: created through the API, or written to by the fleet. */
export function hasStream(group: LogGroupRef, stream: string): boolean {
  if (records.get(group.events)?.streams.has(stream)) return true;
  return group.events.some((event) => event.logStreamName === stream);
}

/** CreateLogGroup: an empty group; a second one of the same name is ResourceAlreadyExistsException. */
export const createLogGroup: JsonHandler = (ctx, input) => {
  const name = requiredString(input, 'logGroupName');
  if (!GROUP_NAME.test(name)) {
    throw invalidParameter(
      `1 validation error detected: Value '${name}' at 'logGroupName' failed to satisfy constraint: ` +
        'Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+',
    );
  }
  const groups = ctx.world.region(ctx.region).logGroups;
  if (groups.has(name)) throw logGroupAlreadyExists();
  const events: LogEvent[] = [];
  groups.set(name, events);
  records.set(events, { creationTime: ctx.now().getTime(), streams: new Set() });
  return {};
};

/** CreateLogStream: a stream the next PutLogEvents may write to. */
export const createLogStream: JsonHandler = (ctx, input) => {
  const group = namedGroup(ctx, { logGroupName: requiredString(input, 'logGroupName') });
  const stream = requiredString(input, 'logStreamName');
  if (!STREAM_NAME.test(stream)) {
    throw invalidParameter(
      `1 validation error detected: Value '${stream}' at 'logStreamName' failed to satisfy constraint: ` +
        'Member must satisfy regular expression pattern: [^:*]*',
    );
  }
  if (hasStream(group, stream)) throw logStreamAlreadyExists();
  let record = records.get(group.events);
  if (!record) {
    record = { creationTime: ctx.now().getTime(), streams: new Set() };
    records.set(group.events, record);
  }
  record.streams.add(stream);
  return {};
};

/** DescribeLogGroups: the region's groups in name order, optionally by prefix, 50 a page by default. */
export const describeLogGroups: JsonHandler = (ctx, input) => {
  const prefix = optionalString(input, 'logGroupNamePrefix');
  if (prefix !== undefined && input['logGroupNamePattern'] !== undefined) {
    throw invalidParameter(
      'LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.',
    );
  }
  if (input['logGroupNamePattern'] !== undefined) {
    throw invalidParameter('The sandbox does not model logGroupNamePattern of DescribeLogGroups.');
  }
  const limit = optionalInteger(input, 'limit') ?? DESCRIBE_PAGE;
  checkRange('limit', limit, 1, DESCRIBE_PAGE);
  const groups = [...ctx.world.region(ctx.region).logGroups.entries()]
    .filter(([name]) => prefix === undefined || name.startsWith(prefix))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

  const token = optionalString(input, 'nextToken');
  let start = 0;
  if (token !== undefined) {
    // The token is the name the previous page ended with, so that a group created meanwhile is not skipped.
    const after = Buffer.from(token, 'base64url').toString('utf8');
    if (!after.startsWith('after:')) throw invalidNextToken();
    const last = after.slice('after:'.length);
    start = groups.findIndex(([name]) => name > last);
    if (start < 0) start = groups.length;
  }
  const page = groups.slice(start, start + limit);
  const more = start + limit < groups.length;
  return {
    logGroups: page.map(([name, events]) => {
      const arn = groupArn(ctx, name);
      const creationTime = records.get(events)?.creationTime;
      return {
        logGroupName: name,
        ...(creationTime !== undefined ? { creationTime } : {}),
        metricFilterCount: 0,
        arn: `${arn}:*`,
        logGroupArn: arn,
        storedBytes: events.reduce((total, event) => total + Buffer.byteLength(event.message, 'utf8'), 0),
        logGroupClass: 'STANDARD',
      };
    }),
    ...(more
      ? { nextToken: Buffer.from(`after:${page[page.length - 1]![0]}`, 'utf8').toString('base64url') }
      : {}),
  };
};
