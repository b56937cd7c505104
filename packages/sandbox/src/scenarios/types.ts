import type { MigrationConfig } from '@dbmig/shared';
import type { PostgresServer } from '../postgres/index.js';
import type { Sandbox } from '../server.js';

/** The real database servers standing in for the v1 and v2 Aurora clusters. */
export interface DatabaseServers {
  v1: PostgresServer;
  v2: PostgresServer;
}

/** What a scenario builds its world from. */
export interface ScenarioContext {
  sandbox: Sandbox;
  config: MigrationConfig;
  databases: DatabaseServers;
}

/**
 * A named state of the account: the guide's world after `pulumi up`, or a broken variant of it.
 * `apply` runs on an empty world (the lab clears it first) and may also change the databases.
 */
export interface Scenario {
  name: string;
  description: string;
  apply(ctx: ScenarioContext): Promise<void>;
}
