import { memberReaders } from '../../protocols/json-members.js';
import { validation } from './errors.js';

/** Typed reads of a request's members; SSM answers a mistyped member with a ValidationException. */
export const { requiredString, optionalString, optionalBoolean, optionalInteger, requiredStrings } =
  memberReaders(validation);
