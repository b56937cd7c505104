import type { QueryHandler } from '../../protocols/types.js';
import { xmlList } from '../../protocols/xml.js';
import type { DbCluster } from '../../world/types.js';
import type { World } from '../../world/world.js';
import { AwsError } from '../../errors.js';
import { applyFilters, paginate, type FilterMatchers } from './params.js';
import { missingParameter } from './errors.js';

/*
 * DB cluster parameter groups, as far as logical replication reads them (replication.md §1.2): a cluster
 * without a group of its own has the engine's default group, where rds.logical_replication is 0; a
 * scenario gives v1 a custom group with it set to 1. DescribeDBClusterParameters answers with the
 * engine defaults overlaid by what the group sets, pages by MaxRecords/Marker and honours the
 * `parameter-name` filter, the only one AWS supports.
 */

interface EngineParameter {
  name: string;
  value: string;
  description: string;
  applyType: 'static' | 'dynamic';
  dataType: 'boolean' | 'integer' | 'string';
  allowedValues?: string;
}

/** A few of aurora-postgresql15's cluster parameters: those replication and TLS read, and enough to page. */
const ENGINE_DEFAULTS: EngineParameter[] = [
  {
    name: 'rds.logical_replication',
    value: '0',
    description: 'Enables logical decoding.',
    applyType: 'static',
    dataType: 'boolean',
    allowedValues: '0,1',
  },
  {
    name: 'rds.force_ssl',
    value: '0',
    description: 'Force SSL connections.',
    applyType: 'dynamic',
    dataType: 'boolean',
    allowedValues: '0,1',
  },
  {
    name: 'max_replication_slots',
    value: '20',
    description: 'Sets the maximum number of replication slots.',
    applyType: 'static',
    dataType: 'integer',
  },
  {
    name: 'max_wal_senders',
    value: '20',
    description: 'Sets the maximum number of simultaneously running WAL sender processes.',
    applyType: 'static',
    dataType: 'integer',
  },
  {
    name: 'max_logical_replication_workers',
    value: '4',
    description: 'Maximum number of logical replication worker processes.',
    applyType: 'static',
    dataType: 'integer',
  },
  {
    name: 'wal_sender_timeout',
    value: '60000',
    description: 'Sets the maximum time to wait for WAL replication.',
    applyType: 'dynamic',
    dataType: 'integer',
  },
  {
    name: 'idle_in_transaction_session_timeout',
    value: '86400000',
    description: 'Sets the maximum allowed idle time between queries, when in a transaction.',
    applyType: 'dynamic',
    dataType: 'integer',
  },
  {
    name: 'timezone',
    value: 'UTC',
    description: 'Sets the time zone for displaying and interpreting time stamps.',
    applyType: 'dynamic',
    dataType: 'string',
  },
  ...Array.from({ length: 24 }, (_, i): EngineParameter => ({
    name: `track_${String.fromCharCode(97 + i)}_setting`,
    value: 'on',
    description: 'An engine parameter the toolkit does not read.',
    applyType: 'dynamic',
    dataType: 'string',
  })),
];

/** `default.aurora-postgresql15` for 15.x: the group a cluster has when it was given none. */
export function clusterParameterGroup(cluster: Pick<DbCluster, 'engineVersion' | 'parameterGroup'>): string {
  return cluster.parameterGroup ?? `default.aurora-postgresql${cluster.engineVersion.split('.')[0]}`;
}

/**
 * Gives `cluster` a custom parameter group (`<cluster>-params`) with `name` set to `value`, as a team's
 * infrastructure code does; `rebooted: false` leaves the writer pending-reboot, as AWS does until the reboot.
 */
export function setClusterParameter(
  world: World,
  cluster: DbCluster,
  name: string,
  value: string,
  options: { rebooted?: boolean } = {},
): void {
  const group = cluster.parameterGroup ?? `${cluster.identifier}-params`;
  const groups = world.region(cluster.region).clusterParameterGroups;
  const values = groups.get(group) ?? new Map<string, string>();
  values.set(name, value);
  groups.set(group, values);
  cluster.parameterGroup = group;
  cluster.parameterGroupStatus = options.rebooted === false ? 'pending-reboot' : 'in-sync';
}

interface Row extends EngineParameter {
  source: 'engine-default' | 'user';
}

const filters: FilterMatchers<Row> = { 'parameter-name': (row, value) => row.name === value };

export const describeDBClusterParameters: QueryHandler = (ctx, params) => {
  const name = params.get('DBClusterParameterGroupName');
  if (name === null) throw missingParameter('DBClusterParameterGroupName');
  const custom = ctx.world.region(ctx.region).clusterParameterGroups.get(name);
  if (!custom && !/^default\.aurora-postgresql\d+$/.test(name)) {
    throw new AwsError('DBParameterGroupNotFound', `DBClusterParameterGroup not found: ${name}`, 404);
  }
  let rows: Row[] = ENGINE_DEFAULTS.map((p) => {
    const set = custom?.get(p.name);
    return set === undefined ? { ...p, source: 'engine-default' } : { ...p, value: set, source: 'user' };
  });
  const source = params.get('Source');
  if (source !== null) rows = rows.filter((row) => row.source === source);
  rows = applyFilters(rows, params, filters);
  const page = paginate(rows, params, (row) => row.name);
  return {
    Marker: page.marker,
    Parameters: xmlList(
      'Parameter',
      page.items.map((row) => ({
        ParameterName: row.name,
        ParameterValue: row.value,
        Description: row.description,
        Source: row.source,
        ApplyType: row.applyType,
        DataType: row.dataType,
        AllowedValues: row.allowedValues,
        IsModifiable: true,
        ApplyMethod: row.applyType === 'static' ? 'pending-reboot' : 'immediate',
      })),
    ),
  };
};
