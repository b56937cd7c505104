import { AwsError } from '../../errors.js';

/*
 * CloudWatch Logs' errors as JSON 1.1 `__type` codes (the SDK maps each to the class of the same name).
 * A bad member value is an InvalidParameterException, whatever the member; a missing required member is
 * the generic ValidationException of AWS's request validation (../../protocols/json-members.ts).
 */

export function invalidParameter(message: string): AwsError {
  return new AwsError('InvalidParameterException', message);
}

export function logGroupNotFound(): AwsError {
  return new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
}

export function logStreamNotFound(): AwsError {
  return new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
}

export function logGroupAlreadyExists(): AwsError {
  return new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
}

export function logStreamAlreadyExists(): AwsError {
  return new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
}

export function invalidNextToken(): AwsError {
  return invalidParameter('The specified nextToken is invalid.');
}
