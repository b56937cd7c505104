import { AwsError } from '../../errors.js';

/*
 * CloudWatch speaks JSON 1.0 in "query-compatible" mode: the JSON `__type` names the SDK class and the
 * `x-amzn-query-error: <QueryCode>;Sender` header (added by the JSON dispatcher from `queryCode`)
 * carries the old Query code, which the SDK exposes as `err.Code` (../shared/reference/aws.md §4).
 */

export function invalidParameterValue(message: string): AwsError {
  return new AwsError('InvalidParameterValueException', message, 400, { queryCode: 'InvalidParameterValue' });
}

export function missingParameter(name: string): AwsError {
  return new AwsError('MissingRequiredParameterException', `The parameter ${name} is required.`, 400, {
    queryCode: 'MissingParameter',
  });
}

export function invalidNextToken(): AwsError {
  return new AwsError('InvalidNextToken', 'The service cannot process the NextToken.', 400, {
    queryCode: 'InvalidNextToken',
  });
}
