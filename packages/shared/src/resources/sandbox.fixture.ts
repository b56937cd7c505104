import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RDSClient } from '@aws-sdk/client-rds';
import { sandboxClient, type DbCluster, type Sandbox } from '@dbmig/sandbox';

/*
 * Test helpers for the resource modules' tests: real SDK clients that reach a running sandbox the way an
 * action's do (its URL, a region, the sandbox's dummy credentials), and a v1 cluster written straight
 * into its world. One attempt per call: the tests decide where a retry may happen.
 */

export function sandboxRds(sandbox: Sandbox, region: string): RDSClient {
  return sandboxClient(RDSClient, sandbox, region);
}

export function sandboxDynamoDb(sandbox: Sandbox, region: string): DynamoDBClient {
  return sandboxClient(DynamoDBClient, sandbox, region);
}

/** An available Aurora cluster in `region` (what `pulumi up` made for v1). */
export function addCluster(sandbox: Sandbox, region: string, identifier: string): DbCluster {
  const cluster: DbCluster = {
    identifier,
    region,
    arn: sandbox.world.arn('rds', region, `cluster:${identifier}`),
    status: 'available',
    engine: 'aurora-postgresql',
    engineVersion: '15.4',
    endpoint: '127.0.0.1',
    readerEndpoint: '127.0.0.1',
    port: 5432,
    masterUsername: 'dbadmin',
    deletionProtection: true,
    storageEncrypted: true,
    createdAt: new Date('2026-01-15T10:20:30.000Z'),
  };
  sandbox.world.region(region).clusters.set(identifier, cluster);
  return cluster;
}
