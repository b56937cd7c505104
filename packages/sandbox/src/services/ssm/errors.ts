import { AwsError } from '../../errors.js';

/*
 * SSM's errors as JSON 1.1 `__type` codes. ParameterNotFound is modelled with status 404 but AWS sends
 * 400 (aws.md §10); the SDK only needs a status >= 300, and the sandbox sends what AWS sends.
 */

export function parameterNotFound(name: string): AwsError {
  return new AwsError('ParameterNotFound', `Parameter ${name} not found.`);
}

export function parameterVersionNotFound(name: string, version: number): AwsError {
  return new AwsError(
    'ParameterVersionNotFound',
    `Systems Manager could not find version ${version} of ${name}. Verify the version and try again.`,
  );
}

export function parameterAlreadyExists(): AwsError {
  return new AwsError(
    'ParameterAlreadyExists',
    'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
  );
}

export function validation(message: string): AwsError {
  return new AwsError('ValidationException', message);
}

export function invalidNextToken(): AwsError {
  return new AwsError('InvalidNextToken', 'The specified token is not valid.');
}

export function hierarchyTooDeep(): AwsError {
  return new AwsError(
    'HierarchyLevelLimitExceededException',
    'A hierarchy can have a maximum of 15 levels. For more information, see Requirements and constraints for parameter names in the Amazon Web Services Systems Manager User Guide.',
  );
}
