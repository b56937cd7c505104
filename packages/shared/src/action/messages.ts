import { describeAwsError, isAwsError } from '../errors/aws-error.js';
import { InputError } from '../errors/input-error.js';
import { VerdictError } from '../errors/verdict-error.js';

/** Whether the error is one we anticipate (bad input, AWS refusing) rather than a defect in the toolkit. */
export function isExpectedError(error: unknown): boolean {
  return error instanceof InputError || error instanceof VerdictError || isAwsError(error);
}

/** The one line a user reads in the failed step: what went wrong and what to do. */
export function failureMessage(error: unknown): string {
  if (error instanceof InputError) return error.message; // already "Input 'x': …" or "Config file f, line n: …"
  // The client recorded the operation, resource and region on the error (aws/call-context.ts).
  if (isAwsError(error)) return describeAwsError(error);
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
