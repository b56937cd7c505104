import type { DBCluster, GlobalCluster } from '@aws-sdk/client-rds';
import type { AwsClients } from '../aws/index.js';
import { buildConfig } from '../config/index.js';
import { protectionCheck } from './cluster-checks.js';
import { globalClusterChecks } from './global-cluster-checks.js';
import { lagCheck } from './lag-check.js';
import type { HealthContext } from './types.js';

// Unit tests of the pure verdicts; the end-to-end behaviour is tested through verify-v2's dist/.
const ctx: HealthContext = {
  config: buildConfig({ environment: 'dev' }),
  clients: {} as AwsClients, // not used by the functions under test
  options: { maxReplicationLagSeconds: 60, expectEmpty: false, sslMode: 'require' },
  mask: () => undefined,
};
const arn = (region: string, id: string) => `arn:aws:rds:${region}:123456789012:cluster:${id}`;
const primary: DBCluster = {
  DBClusterIdentifier: 'primary-db-cluster-v2-dev',
  DBClusterArn: arn('us-east-1', 'primary-db-cluster-v2-dev'),
  DeletionProtection: true,
  StorageEncrypted: true,
};
const dr: DBCluster = {
  DBClusterIdentifier: 'dr-db-cluster-v2-dev',
  DBClusterArn: arn('us-east-2', 'dr-db-cluster-v2-dev'),
  DeletionProtection: false,
  StorageEncrypted: true,
};
const global = (members: [string, boolean][]): GlobalCluster => ({
  GlobalClusterIdentifier: 'global-db-v2-dev',
  GlobalClusterMembers: members.map(([DBClusterArn, IsWriter]) => ({ DBClusterArn, IsWriter })),
});

describe('globalClusterChecks', () => {
  it('passes exactly the two clusters with the primary as writer', () => {
    const checks = globalClusterChecks(
      ctx,
      global([
        [primary.DBClusterArn!, true],
        [dr.DBClusterArn!, false],
      ]),
      primary,
      dr,
    );
    expect(checks.map((c) => c.status)).toEqual(['pass', 'pass']);
  });

  it('fails a third, unexpected member and names it', () => {
    const stray = arn('eu-west-1', 'stray');
    const [members] = globalClusterChecks(
      ctx,
      global([
        [primary.DBClusterArn!, true],
        [dr.DBClusterArn!, false],
        [stray, false],
      ]),
      primary,
      dr,
    );
    expect(members).toMatchObject({ status: 'fail', detail: `3 member(s); unexpected: ${stray}` });
  });

  it('fails when no member is the writer, or two are', () => {
    const none = globalClusterChecks(
      ctx,
      global([
        [primary.DBClusterArn!, false],
        [dr.DBClusterArn!, false],
      ]),
      primary,
      dr,
    )[1];
    expect(none).toMatchObject({ status: 'fail', detail: 'no member is the writer' });
    const two = globalClusterChecks(
      ctx,
      global([
        [primary.DBClusterArn!, true],
        [dr.DBClusterArn!, true],
      ]),
      primary,
      dr,
    )[1];
    expect(two?.status).toBe('fail');
  });

  it('fails the membership and skips the writer when the global cluster is missing', () => {
    expect(globalClusterChecks(ctx, undefined, primary, dr).map((c) => c.status)).toEqual(['fail', 'skip']);
  });
});

describe('lagCheck', () => {
  it('warns when there is no data point rather than passing blindly', () => {
    expect(lagCheck(ctx, dr, { points: 0 })).toMatchObject({ status: 'warn' });
  });

  it('compares the maximum, not the latest point, with the threshold', () => {
    const check = lagCheck(ctx, dr, { maxMs: 61_000, latestMs: 200, points: 15 });
    expect(check.status).toBe('fail');
    expect(check.detail).toBe('max 61.0 s, latest 0.200 s (15 data points in the last 15 minutes)');
    expect(lagCheck(ctx, dr, { maxMs: 60_000, latestMs: 60_000, points: 15 }).status).toBe('pass');
  });

  it('skips when the DR cluster does not exist', () => {
    expect(lagCheck(ctx, undefined, { points: 0 }).status).toBe('skip');
  });
});

describe('protectionCheck', () => {
  it('warns and names the cluster that has it off', () => {
    const check = protectionCheck(ctx, 'deletion-protection', 'Deletion protection', [primary, dr], (c) =>
      Boolean(c.DeletionProtection),
    );
    expect(check).toMatchObject({ status: 'warn', detail: 'off on dr-db-cluster-v2-dev' });
  });

  it('skips when neither cluster exists', () => {
    expect(protectionCheck(ctx, 'x', 'X', [undefined, undefined], () => true).status).toBe('skip');
  });
});
