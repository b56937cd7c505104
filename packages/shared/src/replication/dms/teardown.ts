import {
  DeleteEndpointCommand,
  DeleteReplicationTaskCommand,
  StopReplicationTaskCommand,
  waitUntilEndpointDeleted,
  waitUntilReplicationTaskDeleted,
  waitUntilReplicationTaskStopped,
  type DatabaseMigrationServiceClient,
} from '@aws-sdk/client-database-migration-service';
import { describeAwsError } from '../../errors/index.js';
import { findTaskByArn } from './task.js';

export interface DmsObjects {
  taskArn?: string;
  endpointArns: string[];
}

/**
 * Stops and deletes the task, then its endpoints, each awaited with the SDK's waiter, so that nothing of
 * the toolkit's is left on the replication instance (a stopped task still holds its slot on v1, which
 * keeps WAL until it is deleted). What is already gone is skipped: safe to run again.
 */
export async function removeDmsObjects(
  dms: DatabaseMigrationServiceClient,
  objects: DmsObjects,
  options: { minDelaySeconds: number; log(line: string): void },
): Promise<void> {
  const wait = { client: dms, maxWaitTime: 900, minDelay: options.minDelaySeconds, maxDelay: 30 };
  const { taskArn } = objects;
  if (taskArn) {
    const task = await findTaskByArn(dms, taskArn).catch((error: unknown) => {
      if ((error as Error).name === 'ResourceNotFoundFault') return undefined;
      throw error;
    });
    if (task) {
      const filters = { Filters: [{ Name: 'replication-task-arn', Values: [taskArn] }] };
      if (task.Status === 'running' || task.Status === 'starting') {
        await call('StopReplicationTask', taskArn, () =>
          dms.send(new StopReplicationTaskCommand({ ReplicationTaskArn: taskArn })),
        );
      }
      if (task.Status !== 'stopped' && task.Status !== 'failed' && task.Status !== 'ready') {
        await waitUntilReplicationTaskStopped(wait, filters);
      }
      await call('DeleteReplicationTask', taskArn, () =>
        dms.send(new DeleteReplicationTaskCommand({ ReplicationTaskArn: taskArn })),
      );
      await waitUntilReplicationTaskDeleted(wait, filters);
      options.log(`DMS task ${task.ReplicationTaskIdentifier ?? taskArn} stopped and deleted.`);
    }
  }
  for (const arn of objects.endpointArns) {
    const deleted = await call('DeleteEndpoint', arn, () =>
      dms.send(new DeleteEndpointCommand({ EndpointArn: arn })),
    );
    if (!deleted) continue;
    await waitUntilEndpointDeleted(wait, { Filters: [{ Name: 'endpoint-arn', Values: [arn] }] });
    options.log(`DMS endpoint ${arn} deleted.`);
  }
}

/** Runs a call; false when what it acts on is already gone. */
async function call(operation: string, resource: string, send: () => Promise<unknown>): Promise<boolean> {
  try {
    await send();
    return true;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundFault') return false;
    throw new Error(describeAwsError(error, { operation: `dms:${operation}`, resource }), { cause: error });
  }
}
