import { addAutoScalingGroup } from '../fleet/index.js';
import type { ScenarioContext } from './types.js';

/** Instances per group in the guide's stack. */
const DESIRED_CAPACITY = 2;

/**
 * The application's Auto Scaling groups (the guide's step 3.2 refreshes them): one per Region, each
 * reading the parameters from its own Region first, then from the primary Region, where the guide keeps
 * them, and logging to `/aws/application/{env}`. Their instances are launched by the sandbox's fleet,
 * which the scenario awaits (`sandbox.fleet.settle()`) once the databases are ready.
 */
export function addFleetGroups(ctx: ScenarioContext): void {
  const { config, sandbox } = ctx;
  const { regions } = config;
  const logGroup = `/aws/application/${config.environment}`;
  const groups = [
    { name: config.autoScalingGroups.primary, region: regions.primary },
    { name: config.autoScalingGroups.dr, region: regions.dr },
  ];
  for (const { name, region } of groups) {
    addAutoScalingGroup(sandbox.world, region, name, {
      desiredCapacity: DESIRED_CAPACITY,
      parameterRegions: [...new Set([region, regions.primary])],
      logGroup,
      parameterNames: { ...config.parameters },
      createdAt: sandbox.now(),
    });
  }
}
