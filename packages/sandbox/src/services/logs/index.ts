import type { JsonService } from '../../protocols/types.js';
import { filterLogEvents } from './filter-log-events.js';
import { createLogGroup, createLogStream, describeLogGroups } from './groups.js';
import { putLogEvents } from './put-log-events.js';

/**
 * CloudWatch Logs (JSON 1.1, `X-Amz-Target: Logs_20140328.<Op>`), state in `world.region(r).logGroups`,
 * which the application fleet also appends to. Enough of the API for a bake to count error logs and
 * for tests and scenarios to write them through the real SDK.
 */
export const logsService: JsonService = {
  signingName: 'logs',
  targetPrefix: 'Logs_20140328',
  jsonVersion: '1.1',
  operations: {
    CreateLogGroup: createLogGroup,
    CreateLogStream: createLogStream,
    DescribeLogGroups: describeLogGroups,
    PutLogEvents: putLogEvents,
    FilterLogEvents: filterLogEvents,
  },
};
