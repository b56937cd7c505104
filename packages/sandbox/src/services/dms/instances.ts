import type { JsonHandler } from '../../protocols/types.js';
import type { DmsReplicationInstance } from '../../world/types.js';
import type { World } from '../../world/world.js';
import { notFound } from './errors.js';
import { filtersOf, matches, page } from './input.js';

/** The role the guide's stack gives DMS to read the databases' secrets. */
export const DMS_SECRETS_ACCESS_ROLE_ARN = 'arn:aws:iam::123456789012:role/dms-secrets-access';

export interface ReplicationInstanceOptions {
  instanceClass?: string;
  engineVersion?: string;
  /** IAM roles DMS may assume in this Region to read secrets; default the guide's one. */
  secretsAccessRoles?: string[];
}

/**
 * Puts a replication instance into the world, `available`, as the user's infrastructure code leaves it
 * (the toolkit never creates one), and lets DMS assume the secrets-access roles in its Region.
 */
export function addReplicationInstance(
  world: World,
  region: string,
  identifier: string,
  options: ReplicationInstanceOptions = {},
): DmsReplicationInstance {
  const dms = world.region(region).dms;
  const instance: DmsReplicationInstance = {
    identifier,
    arn: world.arn('dms', region, `rep:${identifier}`),
    region,
    instanceClass: options.instanceClass ?? 'dms.t3.medium',
    status: 'available',
    engineVersion: options.engineVersion ?? '3.5.4',
    createdAt: new Date(),
  };
  dms.replicationInstances.set(instance.arn, instance);
  for (const role of options.secretsAccessRoles ?? [DMS_SECRETS_ACCESS_ROLE_ARN])
    dms.secretsAccessRoles.add(role);
  return instance;
}

const FILTERS = [
  'replication-instance-arn',
  'replication-instance-id',
  'replication-instance-class',
  'engine-version',
];

export const describeReplicationInstances: JsonHandler = (ctx, input) => {
  const filters = filtersOf(input, FILTERS);
  const found = [...ctx.world.region(ctx.region).dms.replicationInstances.values()].filter((instance) =>
    matches(instance, filters, (i, name) =>
      name === 'replication-instance-arn'
        ? i.arn
        : name === 'replication-instance-id'
          ? i.identifier
          : name === 'replication-instance-class'
            ? i.instanceClass
            : i.engineVersion,
    ),
  );
  if (found.length === 0 && filters.length > 0)
    throw notFound('No replication instances found matching the filters.');
  const { items, marker } = page(found, input, { min: 20, max: 100, default: 100 });
  return { ReplicationInstances: items.map(replicationInstanceShape), ...(marker ? { Marker: marker } : {}) };
};

export function replicationInstanceShape(instance: DmsReplicationInstance) {
  return {
    ReplicationInstanceIdentifier: instance.identifier,
    ReplicationInstanceArn: instance.arn,
    ReplicationInstanceClass: instance.instanceClass,
    ReplicationInstanceStatus: instance.status,
    EngineVersion: instance.engineVersion,
    AllocatedStorage: 50,
    MultiAZ: false,
    PubliclyAccessible: false,
    AutoMinorVersionUpgrade: true,
    InstanceCreateTime: instance.createdAt,
    NetworkType: 'IPV4',
  };
}

/** The instance an ARN names in the caller's Region. */
export function replicationInstance(world: World, region: string, arn: string): DmsReplicationInstance {
  const instance = world.region(region).dms.replicationInstances.get(arn);
  if (!instance) throw notFound(`Replication instance ${arn} not found.`);
  return instance;
}
