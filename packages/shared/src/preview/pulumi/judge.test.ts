import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildConfig } from '../../config/index.js';
import { InputError } from '../../errors/index.js';
import { parsePreviewDigest } from './digest.js';
import { cleanV2Addition, deleted, replaced, updated, withStep } from './guide-stack.fixture.js';
import { judgePulumiPreview } from './judge.js';
import { renderPulumiVerdict } from './render.js';

const config = buildConfig({ environment: 'dev' });
const judge = (digest: unknown) => judgePulumiPreview(parsePreviewDigest(JSON.stringify(digest)), config);
const refused = (digest: unknown) => judge(digest).problems.map((p) => `${p.generation} ${p.name} ${p.op}`);

describe('the Pulumi preview guard (step 1.1)', () => {
  it('passes a clean v2 addition, read from a `pulumi preview --json` file, and lists what v2 creates', () => {
    const file = join(import.meta.dirname, 'fixtures', 'clean-v2-addition.json');
    const verdict = judgePulumiPreview(parsePreviewDigest(readFileSync(file, 'utf8')), config);
    expect(verdict.passed).toBe(true);
    expect(verdict.problems).toEqual([]);
    expect(verdict.v2Created.map((r) => `${r.role}: ${r.name}`)).toEqual([
      'password secret: db-password-v2-dev',
      'global cluster: global-db-v2-dev',
      'primary cluster: primary-db-cluster-v2-dev',
      'primary instance: primary-db-instance-v2-1-dev',
      'DR cluster: dr-db-cluster-v2-dev',
      'DR instance: dr-db-instance-v2-1-dev',
      'global table: session-table-v2-dev',
    ]);
    expect(renderPulumiVerdict(verdict)).toContain('✅ **Passed**');
    // The file is the generator's output: the two must not drift apart.
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(JSON.parse(JSON.stringify(cleanV2Addition())));
  });

  it('fails on a renamed v1 cluster (a replace), naming the cluster that would be lost', () => {
    const verdict = judge(
      replaced('primaryCluster', 'clusterIdentifier', { clusterIdentifier: 'payments-primary-dev' }),
    );
    expect(verdict.passed).toBe(false);
    expect(verdict.problems.map((p) => `${p.generation} ${p.name} ${p.op}`)).toEqual([
      'v1 primary-db-cluster-dev create-replacement',
      'v1 primary-db-cluster-dev replace',
      'v1 primary-db-cluster-dev delete-replaced',
    ]);
    expect(verdict.problems[1]?.reason).toBe(
      'v1 primary cluster primary-db-cluster-dev would be replaced (replace) (because of clusterIdentifier): a new resource with a new endpoint and no data',
    );
    const markdown = renderPulumiVerdict(verdict);
    expect(markdown).toContain('❌ **Refused**');
    expect(markdown).toContain('primary-db-cluster-dev (v1)');
  });

  it('fails on a v1 table deleted, a v1 secret replaced and a v2 cluster replaced, naming each', () => {
    expect(refused(deleted('sessionTable'))).toEqual(['v1 session-table-dev delete']);
    expect(refused(replaced('dbPassword', 'name', { name: 'db-password-new-dev' }))).toContain(
      'v1 db-password-dev replace',
    );
    expect(refused(replaced('primaryClusterV2', 'engineVersion'))).toContain(
      'v2 primary-db-cluster-v2-dev replace',
    );
    expect(refused(deleted('drInstance1'))).toEqual(['v1 dr-db-instance-1-dev delete']);
  });

  it('fails on an in-place v1 update that forces a replacement or moves the endpoint, and passes a harmless one', () => {
    expect(judge(updated('primaryCluster', { engineVersion: 'update-replace' })).problems[0]?.reason).toBe(
      'v1 primary cluster primary-db-cluster-dev: the update changes engineVersion, which forces a replacement',
    );
    expect(judge(updated('primaryCluster', { port: 'update' })).problems[0]?.reason).toBe(
      'v1 primary cluster primary-db-cluster-dev: the update changes port, which moves the endpoint the application uses today',
    );
    expect(refused(updated('sessionTable', { 'replicas[0].regionName': 'update' }))).toEqual([
      'v1 session-table-dev update',
    ]);
    expect(judge(updated('primaryCluster', { tags: 'update', backupRetentionPeriod: 'update' })).passed).toBe(
      true,
    );
    // v2 is not serving yet: moving its endpoint is allowed; replacing it is not.
    expect(judge(updated('primaryClusterV2', { port: 'update' })).passed).toBe(true);
  });

  it('fails on a v2 resource deleted, an op it does not know, and an error the preview reported', () => {
    expect(refused(deleted('sessionTableV2'))).toEqual(['v2 session-table-v2-dev delete']);
    const unknown = withStep('globalDb', (_r, step) => [{ ...step, op: 'teleport' }]);
    expect(judge(unknown).problems[0]?.reason).toContain('op "teleport" is unknown to the guard');
    const errored = {
      ...cleanV2Addition(),
      diagnostics: [{ message: 'error: 1 error occurred', severity: 'error' }],
    };
    const verdict = judge(errored);
    expect(verdict.passed).toBe(false);
    expect(renderPulumiVerdict(verdict)).toContain('The preview reported an error: error: 1 error occurred');
  });

  it('classes resources by physical name, by ARN, and by logical name when they have no name property', () => {
    const byLogicalName = withStep('globalDb', (_r, step) => [
      {
        op: 'delete',
        urn: 'urn:pulumi:dev::payments-db::aws:rds/globalCluster:GlobalCluster::global-db-dev',
      },
      { ...step, op: 'same' },
    ]);
    expect(refused(byLogicalName)).toEqual(['v1 global-db-dev delete']);
    const replica = withStep('sessionTable', (_r, step) => [
      step,
      {
        op: 'delete',
        urn: 'urn:pulumi:dev::payments-db::aws:dynamodb/tableReplica:TableReplica::drReplica',
        oldState: {
          type: 'aws:dynamodb/tableReplica:TableReplica',
          inputs: { globalTableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/session-table-dev' },
        },
      },
    ]);
    expect(refused(replica)).toEqual(['v1 session-table-dev delete']);
    const unrelated = withStep('globalDb', (_r, step) => [
      step,
      {
        op: 'delete',
        urn: 'urn:pulumi:dev::payments-db::aws:s3/bucket:Bucket::logs',
        oldState: { inputs: { bucket: 'logs' } },
      },
    ]);
    expect(judge(unrelated).passed).toBe(true);
  });

  it('refuses a file that is not a preview, naming the input and the expected form', () => {
    expect(() => parsePreviewDigest('not json')).toThrow(InputError);
    expect(() => parsePreviewDigest('not json')).toThrow(/^Input 'pulumi-preview-json': is not JSON/);
    expect(() => parsePreviewDigest('{"steps": [{"op": "create"}]}')).toThrow(
      /Input 'pulumi-preview-json': is not the output of `pulumi preview --json`.*at steps\.0\.urn/,
    );
  });
});
