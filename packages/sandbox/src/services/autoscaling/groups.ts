import type { QueryHandler, RequestContext } from '../../protocols/types.js';
import { xmlList } from '../../protocols/xml.js';
import type { AutoScalingGroup } from '../../world/types.js';
import { groupNotFound } from './errors.js';
import { memberList, paginate } from './params.js';
import { groupXml } from './serialize.js';

/**
 * DescribeAutoScalingGroups: the named groups of the caller's Region (all of them when none is named),
 * in name order. A name that matches no group is left out, not refused: AWS answers an empty list.
 */
export const describeAutoScalingGroups: QueryHandler = (ctx, params) => {
  const groups = ctx.world.region(ctx.region).autoScalingGroups;
  const names = memberList(params, 'AutoScalingGroupNames');
  const wanted =
    names.length === 0
      ? [...groups.values()]
      : names.map((name) => groups.get(name)).filter((g): g is AutoScalingGroup => g !== undefined);
  const sorted = [...new Set(wanted)].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const page = paginate(sorted, params);
  const now = ctx.now();
  return {
    AutoScalingGroups: xmlList(
      'member',
      page.items.map((group) => groupXml(group, now)),
    ),
    NextToken: page.nextToken,
  };
};

/** The group an instance-refresh operation names, which must exist in the caller's Region. */
export function namedGroup(ctx: RequestContext, name: string): AutoScalingGroup {
  const group = ctx.world.region(ctx.region).autoScalingGroups.get(name);
  if (!group) throw groupNotFound(name);
  return group;
}
