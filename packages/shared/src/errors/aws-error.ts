import { callContextOf } from '../aws/call-context.js';
import { redact } from '../secrets/redact.js';

/**
 * What an AWS failure means for the caller. Callers branch on this, never on message text:
 * - not-found: the resource does not exist (a state, not a failure, for idempotent steps);
 * - throttled: throttling or a transient server/network fault that outlived the SDK's retries; try later;
 * - access-denied: the credentials work but the role may not call this operation;
 * - invalid-state: the resource exists but is in a state that forbids the operation now;
 * - credentials: no usable credentials (missing, expired, or rejected);
 * - other: anything else (validation errors, bugs).
 */
export type AwsErrorKind =
  'not-found' | 'throttled' | 'access-denied' | 'invalid-state' | 'credentials' | 'other';

/**
 * What the toolkit was doing when AWS refused, so the message can name it. Every client of AwsClients
 * records it on the errors it throws (aws/call-context.ts); a caller may still pass one to
 * describeAwsError to say more.
 */
export interface AwsCallContext {
  /** The IAM action, `service:Operation` (e.g. `rds:DescribeDBClusters`), so access-denied can say what to allow. */
  operation?: string;
  /** The resource's name or ARN. */
  resource?: string;
  region?: string;
}

// Names as the SDK sets `err.name` (the modelled class name; see the wire-code table in the AWS reference).
const notFoundNames = new Set([
  'DBClusterNotFoundFault',
  'DBInstanceNotFoundFault',
  'GlobalClusterNotFoundFault',
  'DBClusterSnapshotNotFoundFault',
  'DBSnapshotNotFoundFault',
  'ResourceNotFoundException', // DynamoDB, Secrets Manager, CloudWatch Logs
  'TableNotFoundException',
  'BackupNotFoundException',
  'ExportNotFoundException',
  'ParameterNotFound',
  'ParameterVersionNotFound',
  'ActiveInstanceRefreshNotFoundFault',
  'NoSuchKey',
  'NoSuchBucket',
  'NotFound', // the SDK's name for a 404 without an error code
]);

// The SDK's own THROTTLING_ERROR_CODES, plus SSM's TooManyUpdates, which the SDK does not retry but a later
// attempt resolves.
const throttledNames = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'LimitExceededException',
  'SlowDown',
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'PriorRequestNotComplete',
  'TransactionInProgressException',
  'TooManyUpdates',
]);

// The SDK's TRANSIENT errors: worth trying again later, like throttling.
const transientNames = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalFailure',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ResourceContentionFault',
]);
const transientNetworkCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);
const transientStatuses = new Set([500, 502, 503, 504]);

const accessDeniedNames = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedException',
  'AuthorizationError',
  'NotAuthorized',
  'Forbidden',
]);

const invalidStateNames = new Set([
  'InvalidRequestException', // Secrets Manager: e.g. the secret is scheduled for deletion
  'ResourceInUseException', // DynamoDB: table being created, updated or deleted
  'InstanceRefreshInProgressFault',
  'InvalidDBInstanceState', // wire code, should the SDK ever surface it unmapped
]);

const credentialNames = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
]);

interface ErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: unknown; attempts?: unknown; requestId?: unknown };
}

function shape(error: unknown): ErrorShape {
  return typeof error === 'object' && error !== null ? (error as ErrorShape) : {};
}

function nameOf(error: ErrorShape): string {
  return typeof error.name === 'string' ? error.name : '';
}

function statusOf(error: ErrorShape): number | undefined {
  const status = error.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Sort an AWS SDK error into the kinds callers act on. Non-AWS values are 'other'. */
export function classifyAwsError(error: unknown): AwsErrorKind {
  const err = shape(error);
  const name = nameOf(err);
  const status = statusOf(err);
  const message = typeof err.message === 'string' ? err.message : '';

  // Credentials first: a rejected token also arrives as 403, which must not read as "access denied".
  if (credentialNames.has(name) || message.startsWith('Could not load credentials')) return 'credentials';
  if (notFoundNames.has(name) || /NotFound(Fault|Exception)?$/.test(name)) return 'not-found';
  if (throttledNames.has(name) || status === 429) return 'throttled';
  if (accessDeniedNames.has(name)) return 'access-denied';
  // Invalid*State* covers InvalidDBClusterStateFault, InvalidDBInstanceStateFault,
  // InvalidGlobalClusterStateFault, InvalidDBClusterSnapshotStateFault and their kin.
  if (invalidStateNames.has(name) || /^Invalid\w*State/.test(name)) return 'invalid-state';
  if (transientNames.has(name) || (status !== undefined && transientStatuses.has(status))) return 'throttled';
  if (typeof err.code === 'string' && transientNetworkCodes.has(err.code)) return 'throttled';
  if (status === 403) return 'access-denied';
  if (status === 404) return 'not-found';
  return 'other';
}

/** True when the resource does not exist. */
export function isNotFound(error: unknown): boolean {
  return classifyAwsError(error) === 'not-found';
}

/**
 * True for anything the AWS SDK raised (service errors, network failures during a call, credential
 * failures), as opposed to our own defects or other libraries' errors: the SDK attaches `$metadata` to
 * every error that passes through a client, while a database driver's ECONNREFUSED carries none.
 */
export function isAwsError(error: unknown): boolean {
  return shape(error).$metadata !== undefined || classifyAwsError(error) === 'credentials';
}

const configureCredentials =
  'add a step `uses: aws-actions/configure-aws-credentials@v6` with `role-to-assume: <role ARN>` and ' +
  '`aws-region` before this action, and give the job `permissions: id-token: write`';

/** One actionable line saying what failed, why, and what to do about it. Secrets are redacted. */
export function describeAwsError(error: unknown, given: AwsCallContext = {}): string {
  const err = shape(error);
  // What the caller says wins; the client's own record of the call fills the gaps.
  const context = { ...callContextOf(error), ...given };
  const name = nameOf(err) || 'Error';
  const awsMessage = typeof err.message === 'string' && err.message.length > 0 ? err.message : '(no message)';
  const attempts = typeof err.$metadata?.attempts === 'number' ? err.$metadata.attempts : undefined;
  const what = context.operation ?? 'the AWS call';
  const on = context.resource ? ` on ${context.resource}` : '';
  const where = context.region ? ` in ${context.region}` : '';
  const said = `AWS said: ${name}: ${awsMessage}`;

  let line: string;
  switch (classifyAwsError(error)) {
    case 'credentials':
      line =
        `${what}${where} could not authenticate to AWS: the credentials are missing, expired or rejected (${said}). ` +
        `In the workflow, ${configureCredentials}.`;
      break;
    case 'access-denied':
      line =
        `Access denied to ${what}${on}${where}. Allow \`${context.operation ?? 'this operation'}\`` +
        `${context.resource ? ` on ${context.resource}` : ''} in the policy of the role this job assumes (${said}).`;
      break;
    case 'not-found':
      line = `${context.resource ?? 'The resource'} was not found${where} (${what}; ${said}). Check the name in the config and the region.`;
      break;
    case 'throttled':
      line =
        `${what}${on}${where} was throttled or failed transiently` +
        `${attempts !== undefined ? ` after ${attempts} attempt${attempts === 1 ? '' : 's'}` : ''} (${said}). ` +
        'Re-run later, or raise the max-attempts input (aws.max-attempts in the config file).';
      break;
    case 'invalid-state':
      line = `${context.resource ?? 'The resource'}${where} is in a state that does not allow ${what} now (${said}). Wait for it to settle and re-run.`;
      break;
    default: {
      const status = statusOf(err);
      line = `${what}${on}${where} failed (${said}${status !== undefined ? `, HTTP ${status}` : ''}).`;
    }
  }
  // One line: AWS messages occasionally span several, and a log annotation shows only the first.
  return redact(line.replace(/\s*[\r\n]+\s*/g, ' '));
}
