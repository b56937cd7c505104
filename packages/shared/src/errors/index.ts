export { InputError, type InputLocation } from './input-error.js';
export {
  classifyAwsError,
  describeAwsError,
  isAwsError,
  isNotFound,
  type AwsCallContext,
  type AwsErrorKind,
} from './aws-error.js';
export { VerdictError } from './verdict-error.js';
