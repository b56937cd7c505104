import type { TableDescription } from '@aws-sdk/client-dynamodb';
import type { Check } from '../report/index.js';
import { describeTable } from '../resources/dynamodb-table.js';
import type { HealthContext } from './types.js';

/**
 * Step 1.2 for the DynamoDB global table: ACTIVE in the primary region, and every replica ACTIVE —
 * the DR region's included, as the primary region lists it and as the DR region sees its own copy.
 */
export async function checkTable(ctx: HealthContext): Promise<Check[]> {
  const { config, clients } = ctx;
  const name = config.v2.table;
  const [primary, dr] = await Promise.all([
    describeTable(clients.dynamodb(config.regions.primary), name),
    describeTable(clients.dynamodb(config.regions.dr), name),
  ]);
  const tableCheck: Check = {
    id: 'table-active',
    title: 'v2 table ACTIVE',
    region: config.regions.primary,
    resource: name,
    status: primary?.TableStatus === 'ACTIVE' ? 'pass' : 'fail',
    detail: primary ? `status ${primary.TableStatus}` : 'table not found',
  };
  return [tableCheck, replicasCheck(ctx, primary, dr)];
}

function replicasCheck(ctx: HealthContext, primary?: TableDescription, dr?: TableDescription): Check {
  const { config } = ctx;
  const base = {
    id: 'table-replicas',
    title: 'Every v2 table replica ACTIVE',
    region: `${config.regions.primary}, ${config.regions.dr}`,
    resource: config.v2.table,
  };
  if (!primary) return { ...base, status: 'skip', detail: 'table not found in the primary region' };
  const replicas = primary.Replicas ?? [];
  const problems: string[] = [];
  if (!replicas.some((r) => r.RegionName === config.regions.dr)) {
    problems.push(`no replica in ${config.regions.dr}`);
  }
  for (const replica of replicas) {
    if (replica.ReplicaStatus !== 'ACTIVE')
      problems.push(`${replica.RegionName} replica ${replica.ReplicaStatus}`);
  }
  if (!dr) problems.push(`table not found in ${config.regions.dr}`);
  else if (dr.TableStatus !== 'ACTIVE') problems.push(`table in ${config.regions.dr} is ${dr.TableStatus}`);
  return problems.length > 0
    ? { ...base, status: 'fail', detail: problems.join('; ') }
    : {
        ...base,
        status: 'pass',
        detail: `replicas ACTIVE: ${replicas.map((r) => r.RegionName).join(', ')}`,
      };
}
