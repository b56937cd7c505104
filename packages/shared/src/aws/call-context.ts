import type { MiddlewareStack } from '@smithy/types';
import type { AwsCallContext } from '../errors/aws-error.js';

/** Where the client records, on an error it throws, which call failed. */
export const CALL_CONTEXT = Symbol.for('db-migration-toolkit.aws-call');

/**
 * Tag every error a client throws with the IAM action, region and resource of the call, so that the one
 * line a user reads can say "rds:DescribeDBClusters on primary-db-cluster-v2-dev in us-east-1 was
 * throttled" without every caller wrapping every call. Runs outermost (initialize step), so it sees the
 * error after all retries, credential failures included.
 */
export function annotateCallErrors(
  stack: MiddlewareStack<object, object>,
  service: string,
  region: string,
): void {
  stack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (typeof error === 'object' && error !== null && !(CALL_CONTEXT in error)) {
          const resource = resourceOf((args as { input?: unknown }).input);
          const call: AwsCallContext = {
            operation: `${service}:${operationName(context.commandName)}`,
            ...(resource !== undefined ? { resource } : {}),
            region,
          };
          Object.defineProperty(error, CALL_CONTEXT, { value: call, enumerable: false });
        }
        throw error;
      }
    },
    { step: 'initialize', name: 'dbMigrationCallContext', override: true },
  );
}

/** `DescribeGlobalClustersCommand` → `DescribeGlobalClusters`, the operation name IAM uses. */
function operationName(commandName: string | undefined): string {
  return (commandName ?? 'UnknownOperation').replace(/Command$/, '');
}

/**
 * Input members that name the resource a call acts on, most specific owner first: for
 * CreateDBClusterSnapshot the cluster (a missing cluster is the likely failure), for CreateBackup the table.
 */
const resourceMembers = [
  'DBClusterIdentifier',
  'DBInstanceIdentifier',
  'GlobalClusterIdentifier',
  'DBClusterSnapshotIdentifier',
  'TableName',
  'BackupArn',
  'SecretId',
  'Name', // SSM parameters
  'ResourceArn',
  'AutoScalingGroupName',
] as const;

/** The resource a command's input names, if it names one; undefined for list-all calls. */
export function resourceOf(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const members = input as Record<string, unknown>;
  for (const member of resourceMembers) {
    const value = members[member];
    if (typeof value === 'string' && value !== '') return value;
  }
  const listed = [
    ...strings(members['Names']), // SSM GetParameters
    ...strings(members['AutoScalingGroupNames']),
    ...filterValues(members['Filters'], 'db-cluster-id'), // DescribeDBInstances of one cluster
    ...objectKeys(members['RequestItems']), // DynamoDB BatchWriteItem / BatchGetItem: table names
    ...metricDimensionValues(members['MetricDataQueries']), // CloudWatch GetMetricData: e.g. the DR cluster
  ];
  return listed.length > 0 ? listed.join(', ') : undefined;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function filterValues(filters: unknown, name: string): string[] {
  if (!Array.isArray(filters)) return [];
  return filters.flatMap((filter: unknown) => {
    const { Name, Values } = (filter ?? {}) as { Name?: unknown; Values?: unknown };
    return Name === name ? strings(Values) : [];
  });
}

function objectKeys(value: unknown): string[] {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.keys(value) : [];
}

function metricDimensionValues(queries: unknown): string[] {
  if (!Array.isArray(queries)) return [];
  const values = queries.flatMap((query: unknown) => {
    const dimensions = (query as { MetricStat?: { Metric?: { Dimensions?: unknown } } } | null)?.MetricStat
      ?.Metric?.Dimensions;
    return Array.isArray(dimensions)
      ? dimensions.flatMap((d: unknown) => strings([(d as { Value?: unknown } | null)?.Value]))
      : [];
  });
  return [...new Set(values)];
}

/** The call an error came from, as recorded by {@link annotateCallErrors}. */
export function callContextOf(error: unknown): AwsCallContext {
  if (typeof error === 'object' && error !== null && CALL_CONTEXT in error) {
    return (error as Record<typeof CALL_CONTEXT, AwsCallContext>)[CALL_CONTEXT];
  }
  return {};
}
