import { randomUUID } from 'node:crypto';
import { activeRefreshOf } from '../../fleet/refresh-status.js';
import type { QueryHandler } from '../../protocols/types.js';
import { xmlList } from '../../protocols/xml.js';
import type { InstanceRefresh, RefreshPreferences } from '../../world/types.js';
import { activeInstanceRefreshNotFound, instanceRefreshInProgress, validationError } from './errors.js';
import { namedGroup } from './groups.js';
import { memberList, optionalBoolean, optionalInteger, paginate, requiredString } from './params.js';
import { refreshXml } from './serialize.js';

/*
 * Instance refreshes. These handlers only record what was asked: the application fleet (../../fleet/)
 * moves a refresh from Pending through InProgress to a final status, replacing the group's instances
 * as it goes, and turns Cancelling into Cancelled.
 */

/** AWS's default when Preferences.MinHealthyPercentage is not given. */
const DEFAULT_MIN_HEALTHY_PERCENTAGE = 90;
/** InstanceWarmup's model range, in seconds. */
const MAX_WARMUP_SECONDS = 2_147_483_647;

export const startInstanceRefresh: QueryHandler = (ctx, params) => {
  const group = namedGroup(ctx, requiredString(params, 'AutoScalingGroupName'));
  const strategy = params.get('Strategy');
  if (strategy !== null && strategy !== 'Rolling') {
    throw validationError(
      `1 validation error detected: Value '${strategy}' at 'strategy' failed to satisfy constraint: ` +
        'Member must satisfy enum value set: [Rolling]',
    );
  }
  const preferences = readPreferences(params);
  const active = activeRefreshOf(group.refreshes);
  if (active) throw instanceRefreshInProgress(group.name, active.id);
  const refresh: InstanceRefresh = {
    id: randomUUID(),
    groupName: group.name,
    status: 'Pending',
    startTime: ctx.now(),
    percentageComplete: 0,
    instancesToUpdate: group.instances.length,
    preferences,
  };
  group.refreshes.unshift(refresh);
  return { InstanceRefreshId: refresh.id };
};

export const describeInstanceRefreshes: QueryHandler = (ctx, params) => {
  const group = namedGroup(ctx, requiredString(params, 'AutoScalingGroupName'));
  const ids = memberList(params, 'InstanceRefreshIds');
  const refreshes = ids.length === 0 ? group.refreshes : group.refreshes.filter((r) => ids.includes(r.id));
  const page = paginate(refreshes, params);
  return {
    InstanceRefreshes: xmlList('member', page.items.map(refreshXml)),
    NextToken: page.nextToken,
  };
};

/**
 * Cancelling now; the fleet makes it Cancelled on its next tick and replaces no more instances. A
 * second cancel of a refresh that is still Cancelling answers its id again (AWS's answer there is
 * unverified; the toolkit tolerates either).
 */
export const cancelInstanceRefresh: QueryHandler = (ctx, params) => {
  const group = namedGroup(ctx, requiredString(params, 'AutoScalingGroupName'));
  const active = activeRefreshOf(group.refreshes);
  if (!active) throw activeInstanceRefreshNotFound(group.name);
  if (active.status === 'Cancelling') return { InstanceRefreshId: active.id };
  active.status = 'Cancelling';
  active.statusReason = 'Instance refresh is being cancelled at the request of the user.';
  return { InstanceRefreshId: active.id };
};

function readPreferences(params: URLSearchParams): RefreshPreferences {
  const minHealthyPercentage =
    optionalInteger(params, 'Preferences.MinHealthyPercentage', 0, 100) ?? DEFAULT_MIN_HEALTHY_PERCENTAGE;
  const instanceWarmup = optionalInteger(params, 'Preferences.InstanceWarmup', 0, MAX_WARMUP_SECONDS);
  const skipMatching = optionalBoolean(params, 'Preferences.SkipMatching') ?? false;
  return {
    minHealthyPercentage,
    ...(instanceWarmup !== undefined ? { instanceWarmup } : {}),
    skipMatching,
  };
}
