import { brokenWorlds } from './broken-worlds.js';
import { guideWorld } from './guide-world.js';
import { paymentsWorld, paymentsWorldLarge, paymentsWorldReplication } from './payments-world.js';
import type { Scenario } from './types.js';

export type { Scenario, ScenarioContext, DatabaseServers } from './types.js';
export { HEALTHY_LAG_MS } from './guide-world.js';
export {
  createPaymentsWorld,
  LARGE_PAYMENT_ROWS,
  LARGE_SESSION_ITEMS,
  type PaymentsWorldOptions,
} from './payments-world.js';
export {
  seedPayments,
  applyPaymentsSchema,
  paymentTableSizes,
  DEFAULT_PAYMENT_ROWS,
  PAYMENT_TABLES,
  type PaymentTable,
  type SeedPaymentsOptions,
} from './payments-data.js';
export {
  seedSessions,
  sessionItem,
  DEFAULT_SESSION_ITEMS,
  type SeedSessionsOptions,
  type SessionItem,
} from './sessions-data.js';

export const scenarios: Scenario[] = [
  guideWorld,
  paymentsWorld,
  paymentsWorldReplication,
  paymentsWorldLarge,
  ...brokenWorlds,
];

export function findScenario(name: string): Scenario {
  const scenario = scenarios.find((s) => s.name === name);
  if (!scenario) {
    throw new Error(
      `unknown scenario "${name}"; known scenarios: ${scenarios.map((s) => s.name).join(', ')}`,
    );
  }
  return scenario;
}
