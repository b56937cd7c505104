import type { JsonService } from '../../protocols/types.js';
import type { Sandbox } from '../../server.js';
import { describeConnections, testConnection } from './connections.js';
import type { DmsEngine } from './engine.js';
import { createEndpoint, deleteEndpoint, describeEndpoints } from './endpoints.js';
import { describeReplicationInstances } from './instances.js';
import { describeTableStatistics } from './statistics.js';
import {
  createReplicationTask,
  deleteReplicationTask,
  describeReplicationTasks,
  startReplicationTask,
  stopReplicationTask,
} from './tasks.js';

export { DmsEngine } from './engine.js';
export { DatabaseServerRegistry } from './servers.js';
export {
  addReplicationInstance,
  DMS_SECRETS_ACCESS_ROLE_ARN,
  type ReplicationInstanceOptions,
} from './instances.js';
export { DMS_NAMESPACE } from './metrics.js';

/** AWS DMS over JSON 1.1 (`X-Amz-Target: AmazonDMSv20160101.<Op>`, signing name `dms`). */
export function createDmsService(engine: DmsEngine): JsonService {
  return {
    signingName: 'dms',
    targetPrefix: 'AmazonDMSv20160101',
    jsonVersion: '1.1',
    operations: {
      DescribeReplicationInstances: describeReplicationInstances,
      CreateEndpoint: createEndpoint,
      DescribeEndpoints: describeEndpoints,
      DeleteEndpoint: deleteEndpoint,
      TestConnection: testConnection(engine),
      DescribeConnections: describeConnections,
      CreateReplicationTask: createReplicationTask,
      DescribeReplicationTasks: describeReplicationTasks,
      StartReplicationTask: startReplicationTask(engine),
      StopReplicationTask: stopReplicationTask(engine),
      DeleteReplicationTask: deleteReplicationTask(engine),
      DescribeTableStatistics: describeTableStatistics,
    },
  };
}

/**
 * Makes a running task fail as DMS does on a fatal error (Status failed, StopReason FATAL_ERROR,
 * `message` as LastFailureMessage); its CDC stops. A test of how the toolkit reacts to a failed task.
 */
export async function failReplicationTask(
  sandbox: Sandbox,
  region: string,
  taskIdentifier: string,
  message: string,
): Promise<void> {
  const task = [...sandbox.world.region(region).dms.tasks.values()].find(
    (t) => t.identifier === taskIdentifier,
  );
  if (!task) throw new Error(`failReplicationTask: no replication task ${taskIdentifier} in ${region}`);
  if (task.status !== 'running') {
    throw new Error(`failReplicationTask: task ${taskIdentifier} is ${task.status}, not running`);
  }
  await sandbox.dms.fail(task, message);
}

/** Makes DMS's validation of `table` (`schema.name`) find mismatched records in every later task of the Region. */
export function breakValidation(sandbox: Sandbox, region: string, table: string): void {
  sandbox.world.region(region).dms.mismatchedTables.add(table);
}
