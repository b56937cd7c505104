import { clearSecrets, registerSecret } from '../secrets/redact.js';
import {
  classifyAwsError,
  describeAwsError,
  isAwsError,
  isNotFound,
  type AwsErrorKind,
} from './aws-error.js';

/** An error shaped the way the SDK builds service exceptions: a class name, a message and `$metadata`. */
function sdkError(name: string, httpStatusCode: number, message = 'msg', attempts = 1): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode, requestId: 'req-1', attempts, totalRetryDelay: 0 },
  });
}

describe('classifyAwsError', () => {
  const cases: Array<[string, number, AwsErrorKind]> = [
    ['DBClusterNotFoundFault', 404, 'not-found'],
    ['DBInstanceNotFoundFault', 404, 'not-found'],
    ['GlobalClusterNotFoundFault', 404, 'not-found'],
    ['DBClusterSnapshotNotFoundFault', 404, 'not-found'],
    ['ResourceNotFoundException', 400, 'not-found'],
    ['ParameterNotFound', 400, 'not-found'],
    ['TableNotFoundException', 400, 'not-found'],
    ['ExportNotFoundException', 400, 'not-found'],
    ['NotFound', 404, 'not-found'],
    ['Throttling', 400, 'throttled'],
    ['ThrottlingException', 400, 'throttled'],
    ['ProvisionedThroughputExceededException', 400, 'throttled'],
    ['RequestLimitExceeded', 503, 'throttled'],
    ['TooManyUpdates', 400, 'throttled'],
    ['SomethingUnmodelled', 429, 'throttled'],
    ['InternalFailure', 500, 'throttled'],
    ['SomeServerFault', 503, 'throttled'],
    ['AccessDenied', 403, 'access-denied'],
    ['AccessDeniedException', 400, 'access-denied'],
    ['UnauthorizedOperation', 403, 'access-denied'],
    ['InvalidDBClusterStateFault', 400, 'invalid-state'],
    ['InvalidDBInstanceStateFault', 400, 'invalid-state'],
    ['InvalidGlobalClusterStateFault', 400, 'invalid-state'],
    ['InvalidDBClusterSnapshotStateFault', 400, 'invalid-state'],
    ['InvalidRequestException', 400, 'invalid-state'],
    ['ResourceInUseException', 400, 'invalid-state'],
    ['ExpiredToken', 400, 'credentials'],
    ['ExpiredTokenException', 400, 'credentials'],
    ['InvalidClientTokenId', 403, 'credentials'],
    ['UnrecognizedClientException', 400, 'credentials'],
    ['ValidationException', 400, 'other'],
    ['InvalidParameterCombination', 400, 'other'],
    ['DBClusterAlreadyExistsFault', 400, 'other'],
  ];

  it.each(cases)('%s (HTTP %d) is %s', (name, status, kind) => {
    expect(classifyAwsError(sdkError(name, status))).toBe(kind);
  });

  it('treats an unknown 403 as access denied and an unknown 404 as not found', () => {
    expect(classifyAwsError(sdkError('Weird', 403))).toBe('access-denied');
    expect(classifyAwsError(sdkError('Weird', 404))).toBe('not-found');
  });

  it('recognises a missing-credentials error from the provider chain', () => {
    const err = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
      tryNextLink: false,
    });
    expect(classifyAwsError(err)).toBe('credentials');
    // Bundlers may rename classes; the message alone still identifies it.
    expect(classifyAwsError(new Error('Could not load credentials from any providers'))).toBe('credentials');
  });

  it('treats network failures as transient', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(classifyAwsError(err)).toBe('throttled');
  });

  it('tells not-found apart for idempotent steps', () => {
    expect(isNotFound(sdkError('DBClusterNotFoundFault', 404))).toBe(true);
    expect(isNotFound(sdkError('Throttling', 400))).toBe(false);
    expect(isNotFound(new Error('DBClusterNotFoundFault'))).toBe(false);
  });

  it('classifies non-AWS values as other', () => {
    expect(classifyAwsError(new TypeError('x is undefined'))).toBe('other');
    expect(classifyAwsError('a string')).toBe('other');
    expect(classifyAwsError(undefined)).toBe('other');
    expect(isAwsError(new TypeError('x'))).toBe(false);
    expect(isAwsError(sdkError('ValidationException', 400))).toBe(true);
  });

  it('tells a network failure inside an AWS call from one in another library', () => {
    const fromSdk = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {
      code: 'ECONNREFUSED',
      $metadata: { attempts: 1, totalRetryDelay: 0 },
    });
    const fromDatabaseDriver = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    expect(isAwsError(fromSdk)).toBe(true);
    expect(describeAwsError(fromSdk, { operation: 'rds:DescribeDBClusters' })).toContain(
      'failed transiently',
    );
    expect(isAwsError(fromDatabaseDriver)).toBe(false);
  });
});

describe('describeAwsError', () => {
  afterEach(() => clearSecrets());

  it('tells how to configure credentials in the workflow', () => {
    const err = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    const text = describeAwsError(err, { operation: 'rds:DescribeDBClusters', region: 'us-east-1' });
    expect(text).toContain('aws-actions/configure-aws-credentials@v6');
    expect(text).toContain('role-to-assume');
    expect(text).toContain('permissions: id-token: write');
    expect(text).toContain('us-east-1');
  });

  it('names the operation to allow when access is denied', () => {
    const err = sdkError(
      'AccessDeniedException',
      400,
      'User: arn:aws:sts::1:assumed-role/r is not authorized',
    );
    const text = describeAwsError(err, {
      operation: 'secretsmanager:GetSecretValue',
      resource: 'db-password-v2-dev',
      region: 'us-east-1',
    });
    expect(text).toMatch(/Allow `secretsmanager:GetSecretValue` on db-password-v2-dev/);
    expect(text).toContain('is not authorized');
  });

  it('says how many attempts a throttled call made', () => {
    const text = describeAwsError(sdkError('Throttling', 400, 'Rate exceeded', 5), {
      operation: 'rds:DescribeDBClusters',
      region: 'us-east-2',
    });
    expect(text).toContain('after 5 attempts');
    expect(text).toContain('max-attempts');
  });

  it('names the missing resource and region', () => {
    const text = describeAwsError(sdkError('DBClusterNotFoundFault', 404, 'DBCluster x not found'), {
      operation: 'rds:DescribeDBClusters',
      resource: 'primary-db-cluster-v2-dev',
      region: 'us-east-1',
    });
    expect(text).toMatch(/^primary-db-cluster-v2-dev was not found in us-east-1/);
  });

  it('is one line and hides registered secrets', () => {
    registerSecret('hunter2');
    const text = describeAwsError(sdkError('ValidationException', 400, 'bad value hunter2\nsecond line'), {
      operation: 'ssm:PutParameter',
    });
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('\n');
    expect(text).toContain('bad value *** second line');
    expect(text).toContain('HTTP 400');
  });
});
