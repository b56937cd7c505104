import type { QueryHandler } from '../../protocols/types.js';
import { xmlList } from '../../protocols/xml.js';
import type { GlobalCluster } from '../../world/types.js';
import { globalClusterNotFound } from './errors.js';
import { applyFilters, namesResource, paginate, type FilterMatchers } from './params.js';
import { globalClusterXml } from './serialize.js';

/** The only filter AWS documents: global clusters with a member in one of the given regions. */
const filters: FilterMatchers<GlobalCluster> = {
  region: (global, value) => global.members.some((member) => arnRegion(member.clusterArn) === value),
};

/** DescribeGlobalClusters: global clusters span regions, so every region sees all of them. */
export const describeGlobalClusters: QueryHandler = (ctx, params) => {
  let globals = [...ctx.world.globalClusters.values()];
  const identifier = params.get('GlobalClusterIdentifier');
  if (identifier !== null) {
    globals = globals.filter((global) => namesResource(identifier, global));
    if (globals.length === 0) throw globalClusterNotFound(identifier);
  }
  globals = applyFilters(globals, params, filters);
  const page = paginate(globals, params, (global) => global.identifier.toLowerCase());
  return {
    Marker: page.marker,
    // Each global cluster is a <GlobalClusterMember> element: the model's name for this list's items.
    GlobalClusters: xmlList('GlobalClusterMember', page.items.map(globalClusterXml)),
  };
};

/** `arn:aws:rds:<region>:<account>:cluster:<id>` → `<region>`. */
function arnRegion(arn: string): string | undefined {
  return arn.split(':')[3];
}
