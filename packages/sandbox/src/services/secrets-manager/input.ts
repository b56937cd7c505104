import { memberReaders } from '../../protocols/json-members.js';
import { invalidParameter } from './errors.js';

/** Typed reads of a request's members; Secrets Manager answers a mistyped member with InvalidParameterException. */
export const { requiredString, optionalString, optionalBoolean, optionalNumber } =
  memberReaders(invalidParameter);
