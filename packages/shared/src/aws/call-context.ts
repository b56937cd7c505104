import type { MiddlewareStack } from '@smithy/types';
import type { AwsCallContext } from '../errors/aws-error.js';

/** Where the client records, on an error it throws, which call failed. */
export const CALL_CONTEXT = Symbol.for('db-migration-toolkit.aws-call');

/**
 * Tag every error a client throws with the IAM action and region of the call, so that the one line a
 * user reads can say "rds:DescribeGlobalClusters in us-east-1 was throttled" without every caller
 * wrapping every call. Runs outermost (initialize step), so it sees the error after all retries.
 */
export function annotateCallErrors(
  stack: MiddlewareStack<object, object>,
  service: string,
  region: string,
): void {
  stack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (typeof error === 'object' && error !== null && !(CALL_CONTEXT in error)) {
          const call: AwsCallContext = {
            operation: `${service}:${operationName(context.commandName)}`,
            region,
          };
          Object.defineProperty(error, CALL_CONTEXT, { value: call, enumerable: false });
        }
        throw error;
      }
    },
    { step: 'initialize', name: 'dbMigrationCallContext', override: true },
  );
}

/** `DescribeGlobalClustersCommand` → `DescribeGlobalClusters`, the operation name IAM uses. */
function operationName(commandName: string | undefined): string {
  return (commandName ?? 'UnknownOperation').replace(/Command$/, '');
}

/** The call an error came from, as recorded by {@link annotateCallErrors}. */
export function callContextOf(error: unknown): AwsCallContext {
  if (typeof error === 'object' && error !== null && CALL_CONTEXT in error) {
    return (error as Record<typeof CALL_CONTEXT, AwsCallContext>)[CALL_CONTEXT];
  }
  return {};
}
