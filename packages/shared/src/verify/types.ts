import type { AwsClients } from '../aws/index.js';
import type { MigrationConfig } from '../config/index.js';
import type { SslMode } from '../data/ssl-mode.js';

export interface HealthOptions {
  maxReplicationLagSeconds: number;
  expectEmpty: boolean;
  sslMode: SslMode;
  /** The group the application runs in: a connection that times out is checked against its rules too. */
  appSecurityGroup?: string;
}

/** What every health check is given. `mask` registers a secret value before it can reach any output. */
export interface HealthContext {
  config: MigrationConfig;
  clients: AwsClients;
  options: HealthOptions;
  mask(secret: string): void;
}
