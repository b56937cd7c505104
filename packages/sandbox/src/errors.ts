/**
 * An error the sandbox answers with, in the wire form of the caller's protocol.
 * `code` is what AWS puts on the wire (e.g. `DBInstanceNotFound`, not the SDK class name
 * `DBInstanceNotFoundFault`; see ../shared/reference/aws.md §4). The HTTP status must be >= 300:
 * an error sent with 200 parses as an empty success.
 */
export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  /** Sender (client fault) or Receiver (server fault), as AWS Query error bodies say. */
  readonly fault: 'Sender' | 'Receiver';
  /** For query-compatible JSON services (CloudWatch): the Query error code sent in `x-amzn-query-error`. */
  readonly queryCode?: string;

  constructor(code: string, message: string, status = 400, options: { queryCode?: string } = {}) {
    super(message);
    this.name = 'AwsError';
    this.code = code;
    this.status = status;
    this.fault = status >= 500 ? 'Receiver' : 'Sender';
    this.queryCode = options.queryCode;
  }
}
