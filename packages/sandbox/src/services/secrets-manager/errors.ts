import { AwsError } from '../../errors.js';

/*
 * Secrets Manager's errors, as JSON 1.1 `__type` codes (the SDK class names). AWS's HTTP status per
 * error is unverified (aws.md §4): 400 for all of these client faults, which is all the SDK needs.
 */

export function secretNotFound(): AwsError {
  return new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
}

export function versionNotFound(what: string): AwsError {
  return new AwsError(
    'ResourceNotFoundException',
    `Secrets Manager can't find the specified secret value for ${what}`,
  );
}

export function markedForDeletion(): AwsError {
  return new AwsError(
    'InvalidRequestException',
    "You can't perform this operation on the secret because it was marked for deletion.",
  );
}

export function invalidRequest(message: string): AwsError {
  return new AwsError('InvalidRequestException', message);
}

export function invalidParameter(message: string): AwsError {
  return new AwsError('InvalidParameterException', message);
}

export function resourceExists(message: string): AwsError {
  return new AwsError('ResourceExistsException', message);
}
