import type { QueryHandler, RequestContext } from '../../protocols/types.js';
import { xmlList } from '../../protocols/xml.js';
import type { DbCluster, DbInstance } from '../../world/types.js';
import { resourceId } from './derived.js';
import { dbInstanceNotFound } from './errors.js';
import { clusterInstances } from './members.js';
import { applyFilters, namesResource, paginate, type FilterMatchers } from './params.js';
import { dbInstanceXml } from './serialize.js';

/** DescribeDBInstances: the instances of the caller's region. */
export const describeDBInstances: QueryHandler = (ctx, params) => {
  const clusterOf = (instance: DbInstance): DbCluster | undefined =>
    findCluster(ctx, instance.clusterIdentifier);
  let instances = [...ctx.world.region(ctx.region).instances.values()];
  const identifier = params.get('DBInstanceIdentifier');
  if (identifier !== null) {
    instances = instances.filter((instance) => namesResource(identifier, instance));
    if (instances.length === 0) throw dbInstanceNotFound(identifier);
  }
  instances = applyFilters(instances, params, {
    // Accepts cluster identifiers and cluster ARNs.
    'db-cluster-id': (instance, value) =>
      value.toLowerCase() === instance.clusterIdentifier.toLowerCase() ||
      value.toLowerCase() === clusterArn(ctx, instance).toLowerCase(),
    'db-instance-id': (instance, value) => namesResource(value, instance),
    'dbi-resource-id': (instance, value) => resourceId('db', instance.arn) === value,
    engine: (instance, value) => instance.engine === value,
    domain: () => false,
  } satisfies FilterMatchers<DbInstance>);
  const page = paginate(instances, params, (instance) => instance.identifier.toLowerCase());
  return {
    Marker: page.marker,
    DBInstances: xmlList(
      'DBInstance',
      page.items.map((instance) => {
        const cluster = clusterOf(instance);
        const siblings = clusterInstances(ctx.world, {
          identifier: instance.clusterIdentifier,
          region: ctx.region,
        });
        return dbInstanceXml(instance, cluster, Math.max(0, siblings.indexOf(instance)));
      }),
    ),
  };
};

function findCluster(ctx: RequestContext, identifier: string): DbCluster | undefined {
  const clusters = ctx.world.region(ctx.region).clusters;
  const wanted = identifier.toLowerCase();
  return (
    clusters.get(identifier) ?? [...clusters.values()].find((c) => c.identifier.toLowerCase() === wanted)
  );
}

function clusterArn(ctx: RequestContext, instance: DbInstance): string {
  return (
    findCluster(ctx, instance.clusterIdentifier)?.arn ??
    ctx.world.arn('rds', ctx.region, `cluster:${instance.clusterIdentifier}`)
  );
}
