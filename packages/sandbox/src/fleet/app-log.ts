import { nextEventId } from '../services/logs/put-log-events.js';
import type { AutoScalingGroup } from '../world/types.js';
import type { World } from '../world/world.js';

/**
 * Appends an instance's lines to its group's CloudWatch Logs group (created if absent, as the
 * CloudWatch agent does), one stream per instance, stamped with the sandbox's clock. Event ids come
 * from the Logs service's own sequence, so that they are unique with the events PutLogEvents writes.
 */
export function writeAppLog(
  world: World,
  group: AutoScalingGroup,
  instanceId: string,
  lines: string[],
  at: Date,
): void {
  const groups = world.region(group.region).logGroups;
  let events = groups.get(group.logGroup);
  if (!events) {
    events = [];
    groups.set(group.logGroup, events);
  }
  const timestamp = at.getTime();
  for (const message of lines) {
    events.push({
      logStreamName: instanceId,
      timestamp,
      ingestionTime: timestamp,
      message,
      eventId: nextEventId(timestamp),
    });
  }
}
