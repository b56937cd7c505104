import { AwsClients, type AwsServiceClasses } from '../aws/clients.js';
import { loadConfig } from '../config/build-config.js';
import type { MigrationConfig } from '../config/types.js';
import type { ActionIO } from './io.js';

/** The inputs every action shares: which environment, an optional config file, attempts per AWS call. */
export interface CommonInputs {
  environment: string;
  config?: string;
  /** Undefined: the config file's aws.max-attempts, else the default. */
  maxAttempts?: number;
}

/**
 * What every action does first: the environment's configuration (the config file read, every name
 * checked) and one set of AWS clients for the services the action hands over. The caller destroys the
 * clients when done.
 */
export async function setUpAction(
  io: ActionIO,
  inputs: CommonInputs,
  services: AwsServiceClasses,
): Promise<{ config: MigrationConfig; clients: AwsClients }> {
  const config = await loadConfig({
    environment: inputs.environment,
    ...(inputs.config ? { configFile: inputs.config } : {}),
    ...(inputs.maxAttempts !== undefined ? { maxAttempts: inputs.maxAttempts } : {}),
  });
  const clients = new AwsClients({
    maxAttempts: config.aws.maxAttempts,
    retryMode: config.aws.retryMode,
    userAgent: io.action,
    services,
  });
  return { config, clients };
}
