import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import type { AwsClients } from '../aws/clients.js';
import type { MigrationConfig } from '../config/types.js';
import { VerdictError } from '../errors/index.js';
import { describeCluster } from '../resources/aurora.js';
import {
  parameterLabel,
  readAppParameters,
  type ParameterState,
  type ParameterValue,
} from '../resources/app-parameters.js';
import { activeRefresh } from '../resources/instance-refresh.js';
import { planFleets, type FleetPlan } from './fleets.js';
import {
  APP_PARAMETER_KEYS,
  endpointParameterValue,
  generationTargets,
  PARAMETER_MEANING,
  type AppParameterKey,
} from './targets.js';

/** One parameter in one Region: what it is now and what the step makes of it. */
export interface ParameterChange {
  key: AppParameterKey;
  region: string;
  name: string;
  before: ParameterState;
  after: ParameterValue;
}

export interface RefreshSettings {
  minHealthyPercentage: number;
  instanceWarmup: number;
}

export interface CutoverPlan {
  environment: string;
  parameterRegions: string[];
  changes: ParameterChange[];
  fleets: FleetPlan[];
  refresh: RefreshSettings;
  /** The writer clusters whose DatabaseConnections the bake watches. */
  clusters: { v1: string; v2: string };
}

export interface PlanOptions {
  parameterRegions: string[];
  refresh: RefreshSettings;
}

/**
 * Step 3.1's parameters and step 3.2's refreshes, read-only: v2's writer endpoint from RDS, every
 * parameter in every Region that matters (those written and those the fleets' Regions hold), both groups
 * and their refreshes. Refuses (VerdictError, nothing changed) when a group is missing or already
 * refreshing, when v2 has no writer endpoint, when a parameter exists nowhere, or when a fleet would go
 * on reading a Region the cutover does not write.
 */
export async function planCutover(
  config: MigrationConfig,
  clients: AwsClients,
  options: PlanOptions,
): Promise<CutoverPlan> {
  const { regions } = config;
  const names = APP_PARAMETER_KEYS.map((key) => config.parameters[key]);
  const readRegions = [...new Set([...options.parameterRegions, regions.primary, regions.dr])];
  const [cluster, states] = await Promise.all([
    describeCluster(clients.rds(regions.primary), config.v2.primaryCluster),
    readAppParameters((region) => clients.ssm(region), readRegions, names),
    checkGroups(config, clients),
  ]);
  if (!cluster?.Endpoint || !cluster.Port) {
    throw new VerdictError(
      cluster
        ? `the v2 primary cluster ${config.v2.primaryCluster} in ${regions.primary} has no writer endpoint (status ${cluster.Status ?? 'unknown'}): wait until it is available`
        : `the v2 primary cluster ${config.v2.primaryCluster} does not exist in ${regions.primary}: check the environment and the config file's v2.primary-cluster`,
    );
  }
  for (const name of names) {
    if (!states.some((s) => s.name === name && s.exists)) {
      throw new VerdictError(
        `the parameter ${name} exists in none of ${readRegions.join(', ')}: the application cannot be reading it; ` +
          "check the config file's parameters section",
      );
    }
  }
  const { fleets, problems } = planFleets(config, states, options.parameterRegions);
  if (problems.length > 0)
    throw new VerdictError(`the cutover would leave a fleet on v1: ${problems.join('; ')}`);

  const endpointNow = (region: string) => {
    const state =
      stateOf(states, region, config.parameters.endpoint) ??
      stateOf(states, regions.primary, config.parameters.endpoint);
    return state?.exists ? state.value : undefined;
  };
  const changes = options.parameterRegions.flatMap((region) =>
    generationTargets(
      config,
      'v2',
      endpointParameterValue({ host: cluster.Endpoint!, port: cluster.Port! }, endpointNow(region)),
    ).map((t) => ({
      key: t.key,
      region,
      name: t.name,
      before: stateOf(states, region, t.name)!,
      after: t.target,
    })),
  );
  return {
    environment: config.environment,
    parameterRegions: [...options.parameterRegions],
    changes,
    fleets,
    refresh: options.refresh,
    clusters: { v1: config.v1.primaryCluster, v2: config.v2.primaryCluster },
  };
}

/** Both groups exist, and neither is refreshing already (a second StartInstanceRefresh would be refused midway). */
async function checkGroups(config: MigrationConfig, clients: AwsClients): Promise<void> {
  const groups = [
    { name: config.autoScalingGroups.primary, region: config.regions.primary },
    { name: config.autoScalingGroups.dr, region: config.regions.dr },
  ];
  const problems = await Promise.all(
    groups.map(async ({ name, region }) => {
      const client = clients.autoScaling(region);
      const out = await client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
      if (!out.AutoScalingGroups?.some((g) => g.AutoScalingGroupName === name)) {
        return `the Auto Scaling group ${name} does not exist in ${region} (config auto-scaling-groups)`;
      }
      const active = await activeRefresh(client, name);
      if (active) {
        return (
          `an instance refresh of ${name} in ${region} is already ${active.Status ?? 'running'} ` +
          `(${active.InstanceRefreshId ?? 'unknown id'}, ${active.PercentageComplete ?? 0}% done): ` +
          'wait for it to finish or cancel it, then run the cutover again'
        );
      }
      return undefined;
    }),
  );
  const refused = problems.filter((p): p is string => p !== undefined);
  if (refused.length > 0) throw new VerdictError(refused.join('; '));
}

function stateOf(
  states: readonly ParameterState[],
  region: string,
  name: string,
): ParameterState | undefined {
  return states.find((s) => s.region === region && s.name === name);
}

/** The plan as lines for the log and the summary: SecureString values masked, as `mask` registers them. */
/** Registers every SecureString value the plan holds, before and after, before any of it is printed. */
export function maskSecureValues(plan: CutoverPlan, mask: (secret: string) => void): void {
  for (const change of plan.changes) {
    if (change.before.exists && change.before.type === 'SecureString') mask(change.before.value);
    if (change.after.type === 'SecureString') mask(change.after.value);
  }
}

export function describeChange(change: ParameterChange): string {
  const shown = (type: string, value: string) => (type === 'SecureString' ? '***' : value);
  const before = change.before.exists
    ? `${change.before.type} ${shown(change.before.type, change.before.value)} (version ${change.before.version})`
    : 'absent';
  return `${parameterLabel(change)} (${PARAMETER_MEANING[change.key]}): ${before} → ${change.after.type} ${shown(change.after.type, change.after.value)}`;
}
