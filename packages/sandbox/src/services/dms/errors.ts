import { AwsError } from '../../errors.js';

/*
 * DMS's faults, by the names its model gives them (the wire `__type` is the class name). Invalid input is
 * InvalidParameterValueException, which the model does not list: the SDK then names the error by its code.
 */

export function notFound(message: string): AwsError {
  return new AwsError('ResourceNotFoundFault', message);
}

export function alreadyExists(message: string): AwsError {
  return new AwsError('ResourceAlreadyExistsFault', message);
}

export function invalidState(message: string): AwsError {
  return new AwsError('InvalidResourceStateFault', message);
}

export function invalidParameter(message: string): AwsError {
  return new AwsError('InvalidParameterValueException', message);
}

export function accessDenied(message: string): AwsError {
  return new AwsError('AccessDeniedFault', message);
}
