import type { MigrationConfig } from '../config/types.js';
import type { ParameterValue } from '../resources/app-parameters.js';

/** The three parameters the application reads (config `parameters`), by the guide's names for them. */
export type AppParameterKey = keyof MigrationConfig['parameters'];
export const APP_PARAMETER_KEYS: readonly AppParameterKey[] = ['endpoint', 'passwordSecret', 'dynamodbTable'];

/** What each parameter holds, in the guide's words, for plans and messages. */
export const PARAMETER_MEANING: Record<AppParameterKey, string> = {
  endpoint: 'database endpoint',
  passwordSecret: 'database password secret',
  dynamodbTable: 'DynamoDB table',
};

export interface ParameterTarget {
  key: AppParameterKey;
  name: string;
  target: ParameterValue;
}

/** A database endpoint as a parameter holds it: the writer's host, with the port when the value had one. */
export interface EndpointValue {
  host: string;
  port: number;
}

/**
 * The value an endpoint parameter gets, in the form of the value it replaces: `host:port` when that
 * one named a port, the bare host (the guide's form, port 5432 implied) otherwise, so that the
 * application parses the new value exactly as it parsed the old one.
 */
export function endpointParameterValue(endpoint: EndpointValue, replacing: string | undefined): string {
  const withPort = replacing !== undefined && /:\d+$/.test(replacing);
  return withPort || endpoint.port !== 5432 ? `${endpoint.host}:${endpoint.port}` : endpoint.host;
}

/**
 * The guide's step 3.1 for one generation: the endpoint as a SecureString, the password secret's name
 * and the table's name as Strings.
 */
export function generationTargets(
  config: MigrationConfig,
  side: 'v1' | 'v2',
  endpointValue: string,
): ParameterTarget[] {
  const generation = config[side];
  return [
    {
      key: 'endpoint',
      name: config.parameters.endpoint,
      target: { type: 'SecureString', value: endpointValue },
    },
    {
      key: 'passwordSecret',
      name: config.parameters.passwordSecret,
      target: { type: 'String', value: generation.secret },
    },
    {
      key: 'dynamodbTable',
      name: config.parameters.dynamodbTable,
      target: { type: 'String', value: generation.table },
    },
  ];
}
