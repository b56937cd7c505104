import {
  DescribeReplicationTasksCommand,
  type DatabaseMigrationServiceClient,
} from '@aws-sdk/client-database-migration-service';
import type { ReplicatedSet } from '../postgres/replicated-set.js';
import { mappedTables } from './mappings.js';
import type { DmsRun } from './run.js';

/**
 * The tables a DMS task carries, read from its own table mappings (which name each table): what the
 * pause revokes writes on, and what the drift check holds v1's tables against.
 */
export function dmsTaskSet(dms: DatabaseMigrationServiceClient, run: DmsRun): ReplicatedSet {
  return {
    description: `the DMS task ${run.task}`,
    async tables() {
      const out = await dms.send(
        new DescribeReplicationTasksCommand({
          Filters: [{ Name: 'replication-task-arn', Values: [run.taskArn] }],
        }),
      );
      const mappings = out.ReplicationTasks?.[0]?.TableMappings;
      if (!mappings) throw new Error(`the DMS task ${run.task} (${run.taskArn}) has no table mappings`);
      return mappedTables(mappings);
    },
    addTable: (name) =>
      `Create it on v2, stop the DMS task ${run.task}, add a selection rule for ${name} to its table mappings ` +
      '(aws dms modify-replication-task), resume it, and copy its rows',
  };
}
