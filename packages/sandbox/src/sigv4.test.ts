import { credentialScope } from './sigv4.js';

describe('credentialScope', () => {
  test('reads the access key, region and signing name of a SigV4 Authorization header', () => {
    const header =
      'AWS4-HMAC-SHA256 Credential=AKIASANDBOXEXAMPLE/20260115/us-east-2/rds/aws4_request, ' +
      'SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-content-sha256;x-amz-date, ' +
      'Signature=0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0';
    expect(credentialScope(header)).toEqual({
      accessKeyId: 'AKIASANDBOXEXAMPLE',
      region: 'us-east-2',
      service: 'rds',
    });
  });

  test.each([
    ['DynamoDB', 'us-east-1', 'dynamodb'],
    ['CloudWatch', 'eu-west-1', 'monitoring'],
    ['Secrets Manager', 'ap-southeast-2', 'secretsmanager'],
  ])('reads the scope of a %s request', (_, region, service) => {
    const header = `AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20260115/${region}/${service}/aws4_request, SignedHeaders=host, Signature=00`;
    expect(credentialScope(header)).toEqual({ accessKeyId: 'ASIAEXAMPLE', region, service });
  });

  test('finds the scope wherever Credential stands among the fields', () => {
    const header =
      'AWS4-HMAC-SHA256 SignedHeaders=host,Credential=AKIASANDBOXEXAMPLE/20260115/us-east-1/ssm/aws4_request,Signature=00';
    expect(credentialScope(header)).toEqual({
      accessKeyId: 'AKIASANDBOXEXAMPLE',
      region: 'us-east-1',
      service: 'ssm',
    });
  });

  test('a missing Authorization header has no scope', () => {
    expect(credentialScope(undefined)).toBeUndefined();
    expect(credentialScope('')).toBeUndefined();
  });

  test.each([
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['no Credential field', 'AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00'],
    ['a scope without region', 'AWS4-HMAC-SHA256 Credential=AKIA/20260115/rds/aws4_request, Signature=00'],
    ['a scope without terminator', 'AWS4-HMAC-SHA256 Credential=AKIA/20260115/us-east-1/rds, Signature=00'],
    ['a date that is not yyyymmdd', 'AWS4-HMAC-SHA256 Credential=AKIA/2026-01-15/us-east-1/rds/aws4_request'],
    ['an empty region', 'AWS4-HMAC-SHA256 Credential=AKIA/20260115//rds/aws4_request'],
    ['an empty access key', 'AWS4-HMAC-SHA256 Credential=/20260115/us-east-1/rds/aws4_request'],
  ])('a malformed header (%s) has no scope', (_, header) => {
    expect(credentialScope(header)).toBeUndefined();
  });
});
