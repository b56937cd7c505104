import { randomBytes } from 'node:crypto';
import type { JsonHandler, RequestContext } from '../../protocols/types.js';
import type { DmsEndpoint } from '../../world/types.js';
import { alreadyExists, invalidParameter, invalidState, notFound } from './errors.js';
import { filtersOf, matches, optionalInteger, optionalString, page, requiredString } from './input.js';
import { settle, TRANSITION_MS } from './settle.js';

const ENGINES = ['aurora-postgresql', 'postgres'] as const;

/** DMS's resource ids: 26 upper-case letters and digits. */
export function resourceId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return [...randomBytes(26)].map((b) => alphabet[b % alphabet.length]).join('');
}

/**
 * CreateEndpoint for PostgreSQL sources and targets. Credentials come from a secret (read with
 * SecretsManagerAccessRoleArn when the endpoint is used) or inline, never both, as DMS refuses.
 */
export const createEndpoint: JsonHandler = (ctx, input) => {
  settle(ctx);
  const dms = ctx.world.region(ctx.region).dms;
  const identifier = requiredString(input, 'EndpointIdentifier');
  const type = requiredString(input, 'EndpointType').toLowerCase();
  const engine = requiredString(input, 'EngineName');
  if (type !== 'source' && type !== 'target') throw invalidParameter(`Invalid EndpointType: ${type}`);
  if (!(ENGINES as readonly string[]).includes(engine)) {
    throw invalidParameter(`The sandbox's DMS supports EngineName ${ENGINES.join(' and ')} (got ${engine}).`);
  }
  if (!/^[A-Za-z][A-Za-z0-9-]{0,254}$/.test(identifier) || /--|-$/.test(identifier)) {
    throw invalidParameter(`Invalid EndpointIdentifier: ${identifier}`);
  }
  if ([...dms.endpoints.values()].some((e) => e.identifier.toLowerCase() === identifier.toLowerCase())) {
    throw alreadyExists(`Endpoint with identifier ${identifier} already exists.`);
  }
  const settings = (input['PostgreSQLSettings'] ?? {}) as Record<string, unknown>;
  const secretId = optionalString(settings, 'SecretsManagerSecretId');
  const role = optionalString(settings, 'SecretsManagerAccessRoleArn');
  const password = optionalString(input, 'Password') ?? optionalString(settings, 'Password');
  if (secretId && password !== undefined) {
    throw invalidParameter(
      'Specify either the endpoint password or SecretsManagerSecretId with SecretsManagerAccessRoleArn, not both.',
    );
  }
  if (!secretId && password === undefined) {
    throw invalidParameter(
      'Either a password or SecretsManagerSecretId and SecretsManagerAccessRoleArn must be provided.',
    );
  }
  if (secretId && !role)
    throw invalidParameter('SecretsManagerAccessRoleArn is required with SecretsManagerSecretId.');
  const databaseName = optionalString(input, 'DatabaseName') ?? optionalString(settings, 'DatabaseName');
  if (!databaseName) throw invalidParameter('DatabaseName is required for a PostgreSQL endpoint.');
  const endpoint: DmsEndpoint = {
    identifier,
    arn: ctx.world.arn('dms', ctx.region, `endpoint:${resourceId()}`),
    region: ctx.region,
    endpointType: type,
    engineName: engine as DmsEndpoint['engineName'],
    databaseName,
    status: 'active',
    sslMode: optionalString(input, 'SslMode') ?? 'none',
    serverName: optionalString(input, 'ServerName') ?? optionalString(settings, 'ServerName'),
    port: optionalInteger(input, 'Port') ?? optionalInteger(settings, 'Port'),
    username: optionalString(input, 'Username') ?? optionalString(settings, 'Username'),
    password,
    secretId,
    secretsAccessRoleArn: role,
    slotName: optionalString(settings, 'SlotName'),
    pluginName: optionalString(settings, 'PluginName'),
    createdAt: ctx.now(),
  };
  dms.endpoints.set(endpoint.arn, endpoint);
  return { Endpoint: endpointShape(endpoint) };
};

const FILTERS = ['endpoint-arn', 'endpoint-id', 'endpoint-type', 'engine-name'];

export const describeEndpoints: JsonHandler = (ctx, input) => {
  settle(ctx);
  const filters = filtersOf(input, FILTERS);
  const found = [...ctx.world.region(ctx.region).dms.endpoints.values()].filter((endpoint) =>
    matches(endpoint, filters, (e, name) =>
      name === 'endpoint-arn'
        ? e.arn
        : name === 'endpoint-id'
          ? e.identifier
          : name === 'endpoint-type'
            ? e.endpointType
            : e.engineName,
    ),
  );
  if (found.length === 0 && filters.length > 0)
    throw notFound('No Endpoints found matching provided filters');
  const { items, marker } = page(found, input, { min: 20, max: 100, default: 100 });
  return { Endpoints: items.map(endpointShape), ...(marker ? { Marker: marker } : {}) };
};

/** DeleteEndpoint: `deleting`, then gone; refused while a task uses the endpoint. */
export const deleteEndpoint: JsonHandler = (ctx, input) => {
  settle(ctx);
  const endpoint = findEndpoint(ctx, requiredString(input, 'EndpointArn'));
  const user = [...ctx.world.region(ctx.region).dms.tasks.values()].find(
    (t) => t.sourceEndpointArn === endpoint.arn || t.targetEndpointArn === endpoint.arn,
  );
  if (user) {
    throw invalidState(`Endpoint ${endpoint.identifier} is in use by replication task ${user.identifier}.`);
  }
  endpoint.status = 'deleting';
  endpoint.removeAt ??= new Date(ctx.now().getTime() + TRANSITION_MS);
  // Its connection tests go with it.
  const connections = ctx.world.region(ctx.region).dms.connections;
  for (const [key, connection] of connections)
    if (connection.endpointArn === endpoint.arn) connections.delete(key);
  return { Endpoint: endpointShape(endpoint) };
};

export function findEndpoint(ctx: RequestContext, arn: string): DmsEndpoint {
  const endpoint = ctx.world.region(ctx.region).dms.endpoints.get(arn);
  if (!endpoint) throw notFound(`Endpoint ${arn} not found.`);
  return endpoint;
}

export function endpointShape(endpoint: DmsEndpoint) {
  return {
    EndpointIdentifier: endpoint.identifier,
    EndpointArn: endpoint.arn,
    EndpointType: endpoint.endpointType.toUpperCase(),
    EngineName: endpoint.engineName,
    EngineDisplayName: endpoint.engineName === 'postgres' ? 'PostgreSQL' : 'Amazon Aurora PostgreSQL',
    DatabaseName: endpoint.databaseName,
    Status: endpoint.status,
    SslMode: endpoint.sslMode,
    ...(endpoint.serverName ? { ServerName: endpoint.serverName } : {}),
    ...(endpoint.port !== undefined ? { Port: endpoint.port } : {}),
    ...(endpoint.username ? { Username: endpoint.username } : {}),
    PostgreSQLSettings: {
      DatabaseName: endpoint.databaseName,
      ...(endpoint.secretId ? { SecretsManagerSecretId: endpoint.secretId } : {}),
      ...(endpoint.secretsAccessRoleArn
        ? { SecretsManagerAccessRoleArn: endpoint.secretsAccessRoleArn }
        : {}),
      ...(endpoint.slotName ? { SlotName: endpoint.slotName } : {}),
      ...(endpoint.pluginName ? { PluginName: endpoint.pluginName } : {}),
    },
  };
}
