import { brokenWorlds } from './broken-worlds.js';
import { guideWorld } from './guide-world.js';
import type { Scenario } from './types.js';

export type { Scenario, ScenarioContext, DatabaseServers } from './types.js';
export { HEALTHY_LAG_MS } from './guide-world.js';

export const scenarios: Scenario[] = [guideWorld, ...brokenWorlds];

export function findScenario(name: string): Scenario {
  const scenario = scenarios.find((s) => s.name === name);
  if (!scenario) {
    throw new Error(
      `unknown scenario "${name}"; known scenarios: ${scenarios.map((s) => s.name).join(', ')}`,
    );
  }
  return scenario;
}
