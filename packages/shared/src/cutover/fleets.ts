import type { MigrationConfig } from '../config/types.js';
import type { ParameterState } from '../resources/app-parameters.js';
import { APP_PARAMETER_KEYS, type AppParameterKey } from './targets.js';

/** One application fleet (an Auto Scaling group) and where it reads each parameter. */
export interface FleetPlan {
  role: 'primary' | 'dr';
  group: string;
  region: string;
  /** The Region each parameter is read from once the cutover has written it. */
  reads: Record<AppParameterKey, string>;
}

/**
 * Which Region's parameters each fleet reads: its own Region's when the parameter is there (or the
 * cutover creates it there), the primary Region's otherwise, as the guide's DR fleet reads the
 * parameters it keeps in us-east-1 only. A fleet that would go on reading a copy the cutover does not
 * write is the guide's blind spot (a DR region left on v1): it is refused, naming the Region to add.
 */
export function planFleets(
  config: MigrationConfig,
  states: readonly ParameterState[],
  parameterRegions: readonly string[],
): { fleets: FleetPlan[]; problems: string[] } {
  const problems: string[] = [];
  const exists = (region: string, name: string) =>
    states.some((s) => s.region === region && s.name === name && s.exists) ||
    parameterRegions.includes(region);
  const roles = [
    { role: 'primary' as const, group: config.autoScalingGroups.primary, region: config.regions.primary },
    { role: 'dr' as const, group: config.autoScalingGroups.dr, region: config.regions.dr },
  ];
  const fleets = roles.map(({ role, group, region }) => {
    const reads = {} as Record<AppParameterKey, string>;
    for (const key of APP_PARAMETER_KEYS) {
      const name = config.parameters[key];
      const from = exists(region, name) ? region : config.regions.primary;
      reads[key] = from;
      if (!parameterRegions.includes(from)) {
        problems.push(
          `${group} in ${region} reads ${name} from ${from}, which this cutover would not write: ` +
            `add ${from} to parameter-regions (now ${parameterRegions.join(', ')})`,
        );
      }
    }
    return { role, group, region, reads };
  });
  return { fleets, problems };
}
