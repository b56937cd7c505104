import { AwsError } from '../../errors.js';
import type { JsonHandler } from '../../protocols/types.js';
import type { DmsConnection } from '../../world/types.js';
import { connectFailure, endpointCredentials, EndpointUnusable, withEndpoint } from './credentials.js';
import type { DmsEngine } from './engine.js';
import { findEndpoint } from './endpoints.js';
import { filtersOf, matches, page, requiredString } from './input.js';
import { replicationInstance } from './instances.js';
import { settle } from './settle.js';

/**
 * TestConnection: `testing` at once; the test resolves the endpoint's secret and logs in to its
 * database in the background. A role DMS cannot assume is refused here with AccessDeniedFault.
 */
export function testConnection(engine: DmsEngine): JsonHandler {
  return (ctx, input) => {
    settle(ctx);
    const instance = replicationInstance(
      ctx.world,
      ctx.region,
      requiredString(input, 'ReplicationInstanceArn'),
    );
    const endpoint = findEndpoint(ctx, requiredString(input, 'EndpointArn'));
    const dms = ctx.world.region(ctx.region).dms;
    let credentials;
    let unusable: string | undefined;
    try {
      credentials = endpointCredentials(ctx, endpoint);
    } catch (error) {
      if (error instanceof AwsError) throw error;
      if (!(error instanceof EndpointUnusable)) throw error;
      unusable = error.message;
    }
    const connection: DmsConnection = {
      replicationInstanceArn: instance.arn,
      endpointArn: endpoint.arn,
      status: 'testing',
      seenTesting: false,
    };
    dms.connections.set(`${instance.arn} ${endpoint.arn}`, connection);
    engine.track(
      (async () => {
        if (!credentials) {
          connection.outcome = { status: 'failed', message: unusable };
          return;
        }
        try {
          await withEndpoint(credentials, (client) => client.query('SELECT 1'));
          connection.outcome = { status: 'successful' };
        } catch (error) {
          connection.outcome = { status: 'failed', message: connectFailure(credentials, error) };
        }
      })(),
    );
    return { Connection: connectionShape(connection, instance.identifier, endpoint.identifier) };
  };
}

const FILTERS = ['endpoint-arn', 'replication-instance-arn'];

/** DescribeConnections: a test ends only once a call has seen it `testing`, so that a waiter really waits. */
export const describeConnections: JsonHandler = (ctx, input) => {
  settle(ctx);
  const dms = ctx.world.region(ctx.region).dms;
  const filters = filtersOf(input, FILTERS);
  const found = [...dms.connections.values()].filter((c) =>
    matches(c, filters, (item, name) =>
      name === 'endpoint-arn' ? item.endpointArn : item.replicationInstanceArn,
    ),
  );
  for (const connection of found) {
    if (connection.status !== 'testing') continue;
    if (connection.outcome && connection.seenTesting) {
      connection.status = connection.outcome.status;
      connection.lastFailureMessage = connection.outcome.message;
    } else {
      connection.seenTesting = true;
    }
  }
  const { items, marker } = page(found, input, { min: 20, max: 100, default: 100 });
  return {
    Connections: items.map((c) =>
      connectionShape(
        c,
        dms.replicationInstances.get(c.replicationInstanceArn)?.identifier,
        dms.endpoints.get(c.endpointArn)?.identifier,
      ),
    ),
    ...(marker ? { Marker: marker } : {}),
  };
};

function connectionShape(connection: DmsConnection, instanceId?: string, endpointId?: string) {
  return {
    ReplicationInstanceArn: connection.replicationInstanceArn,
    EndpointArn: connection.endpointArn,
    Status: connection.status,
    ...(connection.lastFailureMessage ? { LastFailureMessage: connection.lastFailureMessage } : {}),
    ...(instanceId ? { ReplicationInstanceIdentifier: instanceId } : {}),
    ...(endpointId ? { EndpointIdentifier: endpointId } : {}),
  };
}
