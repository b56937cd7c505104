import type { XmlNode } from '../../protocols/types.js';
import { xmlList } from '../../protocols/xml.js';
import type { AutoScalingGroup, GroupInstance, InstanceRefresh } from '../../world/types.js';

/*
 * The Auto Scaling shapes as the installed SDK reads them (client-auto-scaling's schema: AutoScalingGroup$,
 * Instance$, InstanceRefresh$, RefreshPreferences$). Every Auto Scaling list item is `<member>`.
 * The members the model marks required are always present.
 */

/** The guide's groups run one instance type and check health through EC2. */
const INSTANCE_TYPE = 't3.medium';
const HEALTH_CHECK_GRACE_PERIOD = 300;
const DEFAULT_COOLDOWN = 300;

export function groupXml(group: AutoScalingGroup, now: Date): XmlNode {
  const zones = availabilityZones(group);
  return {
    AutoScalingGroupName: group.name,
    AutoScalingGroupARN: group.arn,
    MinSize: group.minSize,
    MaxSize: group.maxSize,
    DesiredCapacity: group.desiredCapacity,
    DefaultCooldown: DEFAULT_COOLDOWN,
    AvailabilityZones: xmlList('member', zones),
    HealthCheckType: 'EC2',
    HealthCheckGracePeriod: HEALTH_CHECK_GRACE_PERIOD,
    Instances: xmlList('member', group.instances.map(instanceXml)),
    CreatedTime: createdTime(group, now),
    TerminationPolicies: xmlList('member', ['Default']),
    NewInstancesProtectedFromScaleIn: false,
    ServiceLinkedRoleARN: `arn:aws:iam::${accountOf(group.arn)}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
    CapacityRebalance: false,
  };
}

function instanceXml(instance: GroupInstance): XmlNode {
  return {
    InstanceId: instance.instanceId,
    InstanceType: INSTANCE_TYPE,
    AvailabilityZone: instance.availabilityZone,
    LifecycleState: instance.lifecycleState,
    HealthStatus: instance.healthStatus,
    ProtectedFromScaleIn: false,
  };
}

export function refreshXml(refresh: InstanceRefresh): XmlNode {
  const { preferences } = refresh;
  return {
    InstanceRefreshId: refresh.id,
    AutoScalingGroupName: refresh.groupName,
    Status: refresh.status,
    StatusReason: refresh.statusReason,
    StartTime: refresh.startTime,
    EndTime: refresh.endTime,
    PercentageComplete: refresh.percentageComplete,
    InstancesToUpdate: refresh.instancesToUpdate,
    Preferences: {
      MinHealthyPercentage: preferences.minHealthyPercentage,
      InstanceWarmup: preferences.instanceWarmup,
      SkipMatching: preferences.skipMatching,
      AutoRollback: false,
      ScaleInProtectedInstances: 'Ignore',
      StandbyInstances: 'Ignore',
    },
    Strategy: 'Rolling',
  };
}

/** The zones the group's instances run in, or the Region's first three. */
function availabilityZones(group: AutoScalingGroup): string[] {
  const used = [...new Set(group.instances.map((i) => i.availabilityZone))].sort();
  return used.length > 0 ? used : ['a', 'b', 'c'].map((zone) => `${group.region}${zone}`);
}

function createdTime(group: AutoScalingGroup, now: Date): Date {
  return group.createdAt ?? now;
}

function accountOf(arn: string): string {
  return arn.split(':')[4] ?? '';
}
