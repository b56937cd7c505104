import {
  DescribeConnectionsCommand,
  TestConnectionCommand,
  waitUntilTestConnectionSucceeds,
  type DatabaseMigrationServiceClient,
} from '@aws-sdk/client-database-migration-service';
import { describeAwsError, VerdictError } from '../../errors/index.js';

/** How long a connection test may take: DMS's own waiter polls every 5 s for up to 2 minutes. */
const TEST_TIMEOUT_S = 300;

/**
 * Tests the endpoint from the replication instance and awaits the outcome with the SDK's waiter (the
 * guide creates the endpoints and never tests them). A failed test is a refusal that names the endpoint
 * and what DMS said.
 */
export async function testConnection(
  dms: DatabaseMigrationServiceClient,
  instanceArn: string,
  endpoint: { arn: string; identifier: string },
  options: { minDelaySeconds?: number } = {},
): Promise<void> {
  try {
    await dms.send(
      new TestConnectionCommand({ ReplicationInstanceArn: instanceArn, EndpointArn: endpoint.arn }),
    );
  } catch (error) {
    // A test already running for this pair is DMS's; await its outcome as well.
    if ((error as Error).name !== 'InvalidResourceStateFault') {
      throw new Error(
        describeAwsError(error, { operation: 'dms:TestConnection', resource: endpoint.identifier }),
        { cause: error },
      );
    }
  }
  const filters = {
    Filters: [
      { Name: 'endpoint-arn', Values: [endpoint.arn] },
      { Name: 'replication-instance-arn', Values: [instanceArn] },
    ],
  };
  try {
    await waitUntilTestConnectionSucceeds(
      { client: dms, maxWaitTime: TEST_TIMEOUT_S, minDelay: options.minDelaySeconds ?? 5, maxDelay: 15 },
      filters,
    );
  } catch {
    const out = await dms.send(new DescribeConnectionsCommand(filters)).catch(() => undefined);
    const connection = out?.Connections?.[0];
    throw new VerdictError(
      `DMS cannot connect to ${endpoint.identifier} from the replication instance: the connection test ended ` +
        `${connection?.Status ?? 'without an outcome'}${connection?.LastFailureMessage ? ` (${connection.LastFailureMessage})` : ''}. ` +
        "Check the secret's host, port and credentials, that the access role may read it, and that the instance's security group reaches the cluster.",
    );
  }
}
