import { AwsError } from '../../errors.js';

/*
 * RDS faults as they go on the wire. The `<Code>` is the model's `awsQueryError` code, which is not
 * always the SDK class name: `DBInstanceNotFound` on the wire becomes `DBInstanceNotFoundFault` in the
 * SDK (../shared/reference/aws.md §4). Not found is HTTP 404.
 */

export function dbClusterNotFound(identifier: string): AwsError {
  return new AwsError('DBClusterNotFoundFault', `DBCluster ${identifier} not found.`, 404);
}

export function dbInstanceNotFound(identifier: string): AwsError {
  return new AwsError('DBInstanceNotFound', `DBInstance ${identifier} not found.`, 404);
}

export function globalClusterNotFound(identifier: string): AwsError {
  return new AwsError('GlobalClusterNotFoundFault', `GlobalCluster ${identifier} not found.`, 404);
}

/** Unmodelled in the SDK, so `err.name` is the wire code itself. */
export function invalidParameterValue(message: string): AwsError {
  return new AwsError('InvalidParameterValue', message, 400);
}

export function dbClusterSnapshotNotFound(identifier: string): AwsError {
  return new AwsError('DBClusterSnapshotNotFoundFault', `DBClusterSnapshot ${identifier} not found.`, 404);
}

export function dbClusterSnapshotAlreadyExists(identifier: string): AwsError {
  return new AwsError(
    'DBClusterSnapshotAlreadyExistsFault',
    `Cannot create the cluster snapshot because one with the identifier ${identifier} already exists.`,
    400,
  );
}

export function invalidDBClusterState(message: string): AwsError {
  return new AwsError('InvalidDBClusterStateFault', message, 400);
}

/** Unmodelled, like InvalidParameterValue. */
export function invalidParameterCombination(message: string): AwsError {
  return new AwsError('InvalidParameterCombination', message, 400);
}

/** On the wire `InvalidDBInstanceState`; the SDK names it InvalidDBInstanceStateFault. */
export function invalidDBInstanceState(message: string): AwsError {
  return new AwsError('InvalidDBInstanceState', message, 400);
}

export function invalidGlobalClusterState(message: string): AwsError {
  return new AwsError('InvalidGlobalClusterStateFault', message, 400);
}

/** AWS refuses a request without a required parameter; the SDK sends whatever it is given. */
export function missingParameter(name: string): AwsError {
  return new AwsError('MissingParameter', `The request must contain the parameter ${name}.`, 400);
}
