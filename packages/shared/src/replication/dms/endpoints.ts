import {
  CreateEndpointCommand,
  DescribeEndpointsCommand,
  type DatabaseMigrationServiceClient,
  type Endpoint,
} from '@aws-sdk/client-database-migration-service';
import { describeAwsError } from '../../errors/index.js';

export interface EndpointSpec {
  identifier: string;
  type: 'source' | 'target';
  database: string;
  /** The secret DMS reads the credentials from (JSON: username, password, host, port). */
  secretId: string;
  /** The role DMS assumes to read it. */
  accessRoleArn: string;
}

/** The endpoint of that identifier, if it exists. */
export async function findEndpoint(
  dms: DatabaseMigrationServiceClient,
  identifier: string,
): Promise<Endpoint | undefined> {
  try {
    const out = await dms.send(
      new DescribeEndpointsCommand({ Filters: [{ Name: 'endpoint-id', Values: [identifier] }] }),
    );
    return out.Endpoints?.[0];
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundFault') return undefined;
    throw new Error(describeAwsError(error, { operation: 'dms:DescribeEndpoints', resource: identifier }), {
      cause: error,
    });
  }
}

/**
 * Creates the endpoint, credentials by reference only: SecretsManagerSecretId and the role DMS assumes to
 * read it, never a user name or password in the call (which DMS would keep and show).
 */
export async function createEndpoint(
  dms: DatabaseMigrationServiceClient,
  spec: EndpointSpec,
): Promise<Endpoint> {
  try {
    const out = await dms.send(
      new CreateEndpointCommand({
        EndpointIdentifier: spec.identifier,
        EndpointType: spec.type,
        EngineName: 'aurora-postgresql',
        DatabaseName: spec.database,
        SslMode: 'require',
        PostgreSQLSettings: {
          SecretsManagerSecretId: spec.secretId,
          SecretsManagerAccessRoleArn: spec.accessRoleArn,
        },
        Tags: [{ Key: 'created-by', Value: 'db-migration-toolkit' }],
      }),
    );
    return out.Endpoint!;
  } catch (error) {
    throw new Error(describeAwsError(error, { operation: 'dms:CreateEndpoint', resource: spec.identifier }), {
      cause: error,
    });
  }
}
