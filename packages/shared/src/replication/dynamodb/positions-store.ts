import type { SSMClient } from '@aws-sdk/client-ssm';
import { ssmJsonStore, type JsonStore } from '../../data/dynamodb/ssm-checkpoint-store.js';
import { parseStreamPositions, type StreamPositions } from './positions.js';

/** Where the table's catch-up keeps its positions between migrate-data, verify-v2 and the cutover. */
export function streamPositionsParameter(environment: string): string {
  return `/db-migration/${environment}/dynamodb-stream/positions`;
}

export function streamPositionsStore(ssm: SSMClient, environment: string): JsonStore<StreamPositions> {
  return ssmJsonStore(
    ssm,
    streamPositionsParameter(environment),
    parseStreamPositions,
    (positions, bytes) =>
      `The stream positions of ${positions.table} are ${bytes} bytes, more than an SSM parameter holds: ` +
      `its stream has ${Object.keys(positions.shards).length} shards, more than the catch-up can keep.`,
  );
}
