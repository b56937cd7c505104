import { paginateFilterLogEvents, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { isNotFound } from '../errors/index.js';
import { redact } from '../secrets/index.js';

/** How much of each sample message is kept: enough to recognise the error, short enough for a summary. */
export const SAMPLE_MESSAGE_CHARS = 300;

export interface ErrorLogQuery {
  /** The application's log group, `/aws/application/{env}` in the guide. */
  logGroup: string;
  /** CloudWatch Logs filter pattern; the guide's step 3.3 uses `ERROR`. */
  filterPattern: string;
  start: Date;
  end: Date;
  /** How many matching messages to keep as samples (the count covers all of them). */
  maxListed: number;
}

/**
 * The application's error logs in a window. A group that does not exist is its own result, not a count
 * of zero: no logs proves nothing about the application's health, so a bake must call it inconclusive.
 */
export type ErrorLogCount =
  | {
      groupExists: true;
      logGroup: string;
      count: number;
      /** The first `maxListed` matching messages in time order, each cut to SAMPLE_MESSAGE_CHARS, secrets hidden. */
      samples: string[];
    }
  | { groupExists: false; logGroup: string };

/**
 * Counts the events matching the filter pattern (guide step 3.3: `aws logs filter-log-events
 * --filter-pattern "ERROR"`). Pages may be partial or empty while `nextToken` is present, so every page
 * is read until the token is absent (the paginator's rule) — stopping at an empty page would undercount.
 */
export async function countErrorLogs(
  logs: CloudWatchLogsClient,
  query: ErrorLogQuery,
): Promise<ErrorLogCount> {
  let count = 0;
  const samples: string[] = [];
  try {
    const pages = paginateFilterLogEvents(
      { client: logs },
      {
        logGroupName: query.logGroup,
        filterPattern: query.filterPattern,
        startTime: query.start.getTime(),
        endTime: query.end.getTime(),
      },
    );
    for await (const page of pages) {
      for (const event of page.events ?? []) {
        count += 1;
        if (samples.length < query.maxListed) samples.push(sample(event.message ?? ''));
      }
    }
  } catch (error) {
    if (isNotFound(error)) return { groupExists: false, logGroup: query.logGroup };
    throw error;
  }
  return { groupExists: true, logGroup: query.logGroup, count, samples };
}

function sample(message: string): string {
  const line = redact(message.trimEnd());
  return line.length <= SAMPLE_MESSAGE_CHARS ? line : `${line.slice(0, SAMPLE_MESSAGE_CHARS - 1)}…`;
}
