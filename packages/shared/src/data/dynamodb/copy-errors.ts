/** The copy could not finish; the message names the table and says what to do. Positions already saved stay. */
export class DynamoDbCopyError extends Error {
  constructor(
    readonly table: string,
    message: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'DynamoDbCopyError';
  }
}

/** The copy was stopped (its AbortSignal fired) after saving its checkpoint: a re-run continues it. */
export class CopyAbortedError extends DynamoDbCopyError {
  constructor(table: string, message: string) {
    super(table, message);
    this.name = 'CopyAbortedError';
  }
}
