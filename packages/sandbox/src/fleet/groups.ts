import type { AutoScalingGroup } from '../world/types.js';
import type { World } from '../world/world.js';
import type { ParameterNames } from './settings.js';

export interface GroupOptions {
  /** Instances the group keeps running; default 2, as the guide's groups. */
  desiredCapacity?: number;
  /** Where the application reads its parameters, first match wins; default the group's own Region. */
  parameterRegions?: string[];
  /** The CloudWatch Logs group the application writes to. */
  logGroup: string;
  failsRefresh?: boolean;
  createdAt?: Date;
  /** The parameters the application reads; default the guide's names for the log group's environment. */
  parameterNames?: ParameterNames;
}

/**
 * An Auto Scaling group with no instances yet: the fleet launches them (on its next tick, or when a
 * scenario calls `fleet.settle()`), and each reads the parameters as it starts.
 */
export function addAutoScalingGroup(
  world: World,
  region: string,
  name: string,
  options: GroupOptions,
): AutoScalingGroup {
  const desiredCapacity = options.desiredCapacity ?? 2;
  const group: AutoScalingGroup = {
    name,
    region,
    arn: world.arn('autoscaling', region, `autoScalingGroup:${groupUuid(name)}:autoScalingGroupName/${name}`),
    desiredCapacity,
    minSize: desiredCapacity,
    maxSize: desiredCapacity * 2,
    instances: [],
    refreshes: [],
    parameterRegions: options.parameterRegions ?? [region],
    logGroup: options.logGroup,
    failsRefresh: options.failsRefresh ?? false,
    createdAt: options.createdAt ?? new Date(),
    ...(options.parameterNames ? { parameterNames: { ...options.parameterNames } } : {}),
  };
  world.region(region).autoScalingGroups.set(name, group);
  return group;
}

/** A group ARN holds a UUID; derived from the name so that a group keeps its ARN across scenario loads. */
function groupUuid(name: string): string {
  let hash = 0x811c9dc5;
  const hex: string[] = [];
  for (let round = 0; round < 4; round++) {
    for (const char of `${round}:${name}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
    hex.push(hash.toString(16).padStart(8, '0'));
  }
  const digits = hex.join('');
  return `${digits.slice(0, 8)}-${digits.slice(8, 12)}-4${digits.slice(13, 16)}-a${digits.slice(17, 20)}-${digits.slice(20, 32)}`;
}
