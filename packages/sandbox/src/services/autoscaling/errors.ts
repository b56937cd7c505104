import { AwsError } from '../../errors.js';

/*
 * Auto Scaling faults as they go on the wire: the `<Code>` is the model's `awsQueryError` code, which the
 * SDK maps to the class name with `Fault` added (InstanceRefreshInProgress → InstanceRefreshInProgressFault;
 * ../shared/reference/aws.md §4).
 */

export function instanceRefreshInProgress(group: string, id: string): AwsError {
  return new AwsError(
    'InstanceRefreshInProgress',
    `An Instance Refresh is already in progress and blocks the execution of this Instance Refresh ` +
      `(group ${group}, refresh ${id}).`,
    400,
  );
}

export function activeInstanceRefreshNotFound(group: string): AwsError {
  return new AwsError(
    'ActiveInstanceRefreshNotFound',
    `No in progress or pending Instance Refresh found for Auto Scaling group ${group}`,
    400,
  );
}

/**
 * AWS answers a group that does not exist with the generic ValidationError, HTTP 400 (it is not
 * modelled, so `err.name` is the code itself): reported for DescribeInstanceRefreshes by
 * kubernetes-sigs/cluster-api-provider-aws#4662, and the message form is the one AWS gives for other
 * operations on a missing group (cloud-custodian/cloud-custodian#380). DescribeAutoScalingGroups
 * instead leaves an unknown name out of its list.
 */
export function groupNotFound(group: string): AwsError {
  return validationError(`AutoScalingGroup name not found - AutoScalingGroup ${group} not found`);
}

export function validationError(message: string): AwsError {
  return new AwsError('ValidationError', message, 400);
}

export function invalidNextToken(): AwsError {
  return new AwsError('InvalidNextToken', 'The token provided is not valid.', 400);
}
