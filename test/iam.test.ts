import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { runAction, Sandbox } from '@dbmig/sandbox';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import {
  actionNames,
  formatVerdict,
  grantedActions,
  IMPLIED,
  judge,
  judgeRun,
  parsePolicy,
  passed,
  policyFile,
  PolicyError,
  readUsage,
  resourceCovers,
  testFilesByAction,
  uncoveredResources,
  type PolicyDocument,
  type UsageLine,
} from './iam-check.js';

const root = path.resolve(import.meta.dirname, '..');
const actions = actionNames(root);
const policyOf = (action: string) =>
  parsePolicy(readFileSync(policyFile(root, action), 'utf8'), `iam/${action}.json`);

/** The IAM actions that only come with another call (kms:Decrypt with a SecureString read, ...). */
const impliedOnly = new Set(Object.values(IMPLIED).flatMap((rule) => rule.actions));

/**
 * The calls a policy is written for, read back from it: each granted action that is a call's own name,
 * and each call whose IAM action has another name (s3:HeadBucket for s3:ListBucket).
 */
function callsOf(policy: PolicyDocument): string[] {
  const granted = grantedActions(policy);
  const own = [...granted].filter((action) => !impliedOnly.has(action) || IMPLIED[action]);
  const renamed = Object.entries(IMPLIED)
    .filter(([, rule]) => rule.replaces && rule.actions.every((a) => granted.has(a)))
    .map(([call]) => call);
  return [...own, ...renamed];
}

/** The policy without one granted action (its statement dropped when it was the only one). */
function without(policy: PolicyDocument, action: string): PolicyDocument {
  const Statement = policy.Statement.flatMap((statement) => {
    const actions = (Array.isArray(statement.Action) ? statement.Action : [statement.Action]).filter(
      (a) => a !== action,
    );
    return actions.length === 0 ? [] : [{ ...statement, Action: actions }];
  });
  return { ...policy, Statement };
}

describe('the committed IAM policies', () => {
  it('exist for every action, and every policy file belongs to an action', () => {
    const files = readdirSync(path.join(root, 'iam')).filter((f) => f.endsWith('.json'));
    const expected = [...actions.map((a) => `${a}.json`), 'roles.json', 'trust-policy.json'].sort();
    expect(files.sort()).toEqual(expected);
  });

  it.each(actions)('%s: a valid policy of service:Operation actions on the naming patterns', (action) => {
    const policy = policyOf(action);
    expect(grantedActions(policy).size).toBeGreaterThan(0);
  });

  it.each(actions)('%s: dropping any call it is written for is caught, naming the action', (action) => {
    const policy = policyOf(action);
    const calls = callsOf(policy);
    // The policy is closed: every action it grants is needed by one of its own calls.
    expect(judge(action, policy, calls)).toEqual({ action, missing: [], unused: [], uncovered: [] });
    for (const call of calls.filter((c) => !IMPLIED[c]?.replaces)) {
      const verdict = judge(action, without(policy, call), calls);
      expect(verdict.missing.map((m) => m.iamAction)).toContain(call);
      expect(formatVerdict(verdict, `iam/${action}.json`)).toContain(`+ ${call}  called but not granted`);
    }
  });

  it.each(actions)('%s: a grant no call needs is caught', (action) => {
    const policy = policyOf(action);
    const calls = callsOf(policy);
    const extra: PolicyDocument = {
      ...policy,
      Statement: [
        ...policy.Statement,
        {
          Effect: 'Allow',
          Action: 'rds:DeleteDBInstance',
          Resource: 'arn:aws:rds:*:*:db:primary-db-instance-v2-*',
        },
      ],
    };
    const verdict = judge(
      action,
      extra,
      calls.filter((c) => c !== 'rds:DeleteDBInstance'),
    );
    expect(verdict.unused).toContain('rds:DeleteDBInstance');
    expect(passed(verdict)).toBe(false);
  });
});

describe('resource scope', () => {
  it.each([
    ['arn:aws:rds:*:*:cluster:primary-db-cluster-v2-*', 'primary-db-cluster-v2-dev', true],
    ['arn:aws:rds:*:*:cluster:primary-db-cluster-v2-*', 'primary-db-cluster-dev', false],
    ['arn:aws:ssm:*:*:parameter/app/*/database/*', '/app/dev/database/endpoint', true],
    ['arn:aws:ssm:*:*:parameter/app/*/database/*', '/app/dev/dynamodb/table', false],
    ['arn:aws:ssm:*:*:parameter/db-migration/*/ledger', '/db-migration/dev/ledger', true],
    ['arn:aws:ssm:*:*:parameter/db-migration/*/ledger', '/db-migration/dev/ledger/000001', false],
    [
      'arn:aws:dynamodb:*:*:table/session-table-*/backup/*',
      'arn:aws:dynamodb:us-east-1:123456789012:table/session-table-dev/backup/01796314912761-13b3f83f',
      true,
    ],
    ['arn:aws:dynamodb:*:*:table/session-table-*/backup/*', 'session-table-dev', false],
    ['arn:aws:secretsmanager:*:*:secret:db-password-v2-*', 'db-password-dev', false],
    ['arn:aws:autoscaling:*:*:autoScalingGroup:*:autoScalingGroupName/dr-asg-*', 'dr-asg-dev', true],
    ['arn:aws:s3:::ARCHIVE_BUCKET/dynamodb-archives/*', 'acme-db-archives', true],
    ['arn:aws:rds:*:*:cluster-pg:*', 'default.aurora-postgresql15', true],
    ['*', 'anything', true],
  ])('%s covers %s: %s', (pattern, name, covers) => {
    expect(resourceCovers(pattern, name)).toBe(covers);
  });

  it("finds a call on a resource outside its statement's Resource: cutover scanning the v1 table", () => {
    const cutover = policyOf('cutover');
    const scan = (table: string): UsageLine => ({
      action: 'cutover',
      call: 'dynamodb:Scan',
      region: 'us-east-1',
      resources: [table],
    });
    const lines = [scan('session-table-v2-dev'), scan('session-table-dev')];
    expect(uncoveredResources(cutover, lines, () => true)).toEqual([
      { call: 'dynamodb:Scan', resource: 'session-table-dev' },
    ]);
    // A name of no guide form (a test's own config) is not judged.
    expect(uncoveredResources(cutover, lines, (name) => name !== 'session-table-dev')).toEqual([]);
    const verdict = {
      ...judge('cutover', cutover, callsOf(cutover)),
      uncovered: uncoveredResources(cutover, lines, () => true),
    };
    expect(passed(verdict)).toBe(false);
    expect(formatVerdict(verdict, 'iam/cutover.json')).toContain(
      '  ! dynamodb:Scan on session-table-dev  outside the Resource of the statements that grant it',
    );
  });
});

describe('parsePolicy refuses', () => {
  const statement = { Effect: 'Allow', Action: 'rds:DescribeDBClusters', Resource: '*' };
  const doc = (over: Record<string, unknown>) =>
    JSON.stringify({ Version: '2012-10-17', Statement: [{ ...statement, ...over }] });

  it.each([
    ['text that is not JSON', '{', /x.json is not JSON/],
    [
      'an old policy language version',
      JSON.stringify({ Version: '2008-10-17', Statement: [statement] }),
      /Version/,
    ],
    ['no statement', JSON.stringify({ Version: '2012-10-17', Statement: [] }), /Statement/],
    ['an unknown member', doc({ NotAction: 'rds:DeleteDBCluster' }), /NotAction/],
    ['a wildcard action', doc({ Action: 'rds:*' }), /"rds:\*" is not service:Operation/],
    [
      'a service no action calls',
      doc({ Action: 'sts:AssumeRole' }),
      /"sts:AssumeRole" is not service:Operation/,
    ],
    [
      'an action granted twice in one statement',
      doc({ Action: ['rds:DescribeDBClusters', 'rds:DescribeDBClusters'] }),
      /granted twice/,
    ],
    [
      '"*" for an action that takes resource-level permissions',
      doc({ Action: 'rds:DeleteDBCluster' }),
      /Resource "\*" for rds:DeleteDBCluster/,
    ],
    [
      'a resource off the naming patterns',
      doc({ Action: 'rds:DeleteDBCluster', Resource: 'arn:aws:rds:*:*:cluster:*' }),
      /does not follow the guide's naming patterns/,
    ],
    [
      'a KMS grant without kms:ViaService',
      doc({ Action: 'kms:Decrypt', Resource: 'arn:aws:kms:*:*:key/*' }),
      /kms:ViaService/,
    ],
  ])('%s', (_what, text, message) => {
    expect(() => parsePolicy(text, 'x.json')).toThrow(PolicyError);
    expect(() => parsePolicy(text, 'x.json')).toThrow(message);
  });

  it('a Deny of an action no Allow grants', () => {
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        statement,
        {
          Effect: 'Deny',
          Action: 'rds:DeleteDBCluster',
          Resource: 'arn:aws:rds:*:*:cluster:primary-db-cluster-v2-*',
        },
      ],
    });
    expect(() => parsePolicy(text, 'x.json')).toThrow(
      /denies "rds:DeleteDBCluster", which no Allow statement grants/,
    );
  });
});

describe('judging a test run', () => {
  let fixture: string;
  const line = (action: string, call: string): UsageLine => ({
    action,
    call,
    region: 'us-east-1',
    resources: [],
  });
  const policy = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['rds:DescribeDBClusters'], Resource: '*' }],
  };

  beforeEach(() => {
    // A repository of one action, `probe`, with two test files, one of them through a helper.
    fixture = mkdtempSync(path.join(os.tmpdir(), 'iam-judge-'));
    mkdirSync(path.join(fixture, 'actions/probe/test'), { recursive: true });
    mkdirSync(path.join(fixture, 'iam'));
    writeFileSync(path.join(fixture, 'actions/probe/action.yml'), 'name: probe\n');
    writeFileSync(path.join(fixture, 'actions/probe/test/run.ts'), "export const dir = 'actions/probe';\n");
    writeFileSync(path.join(fixture, 'actions/probe/test/a.test.ts'), "import { dir } from './run.js';\n");
    writeFileSync(path.join(fixture, 'actions/probe/test/b.test.ts'), "// runs actions/probe's bundle\n");
    writeFileSync(path.join(fixture, 'iam/probe.json'), JSON.stringify(policy));
  });
  afterEach(() => rmSync(fixture, { recursive: true, force: true }));

  const files = () => ['a', 'b'].map((f) => path.join(fixture, `actions/probe/test/${f}.test.ts`));

  it("finds an action's test files through their helpers", () => {
    expect(testFilesByAction(fixture, ['probe']).get('probe')).toEqual(files());
  });

  it('passes an action whose calls are exactly its grants', () => {
    const usage = [line('probe', 'rds:DescribeDBClusters'), line('other', 'rds:DeleteDBCluster')];
    const run = judgeRun({ root: fixture, usage, ran: files(), failed: [] });
    expect(run.failures).toEqual([]);
    expect(run.report).toEqual(['probe: iam/probe.json grants exactly what its 1 distinct calls need']);
  });

  it('fails on a call the policy does not grant, and on a grant never called', () => {
    const usage = [line('probe', 'ssm:GetParameter')];
    const run = judgeRun({ root: fixture, usage, ran: files(), failed: [] });
    expect(run.failures).toEqual([
      'iam/probe.json does not match what probe calls:\n' +
        '  + kms:Decrypt  called but not granted (needed by ssm:GetParameter: read WithDecryption: SecureString values)\n' +
        '  + ssm:GetParameter  called but not granted\n' +
        '  - rds:DescribeDBClusters  granted but never called',
    ]);
  });

  it('does not judge an action when one of its test files did not run, or failed', () => {
    const usage = [line('probe', 'ssm:GetParameter')];
    expect(judgeRun({ root: fixture, usage, ran: files().slice(0, 1), failed: [] })).toEqual({
      report: [],
      failures: [],
    });
    const failing = judgeRun({ root: fixture, usage, ran: files(), failed: files().slice(1) });
    expect(failing.failures).toEqual([]);
    expect(failing.report).toEqual(['probe: not judged, failing tests in actions/probe/test/b.test.ts']);
  });

  it('fails an action that has no policy, naming the file and the calls', () => {
    rmSync(path.join(fixture, 'iam/probe.json'));
    const usage = [line('probe', 'rds:DescribeDBClusters')];
    const run = judgeRun({ root: fixture, usage, ran: files(), failed: [] });
    expect(run.failures).toEqual([
      'iam/probe.json is missing: probe calls rds:DescribeDBClusters; write its policy',
    ]);
  });
});

describe("the sandbox's record of the calls an action's bundle makes", () => {
  it('attributes each call to the action from its user agent, and none of the test’s own', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'iam-usage-'));
    const before = process.env['DBMIG_AWS_USAGE_DIR'];
    process.env['DBMIG_AWS_USAGE_DIR'] = dir;
    const sandbox = await Sandbox.start();
    try {
      // The test's own client carries no toolkit user agent: not an action's call.
      const rds = new RDSClient({ ...clientConfig(sandbox), region: 'us-east-1' });
      await rds.send(new DescribeDBClustersCommand({}));
      rds.destroy();
      // verify-v2 against an empty world: it fails, after the describes that find nothing.
      const run = await runAction({
        actionDir: 'actions/verify-v2',
        inputs: { environment: 'dev' },
        env: sandbox.env(),
        timeoutMs: 120_000,
      });
      expect(run.exitCode).not.toBe(0);
    } finally {
      await sandbox.stop();
      if (before === undefined) delete process.env['DBMIG_AWS_USAGE_DIR'];
      else process.env['DBMIG_AWS_USAGE_DIR'] = before;
    }
    const usage = readUsage(dir);
    rmSync(dir, { recursive: true, force: true });
    expect(usage.length).toBeGreaterThan(0);
    expect(new Set(usage.map((l) => l.action))).toEqual(new Set(['verify-v2']));
    const calls = new Set(usage.map((l) => l.call));
    expect(calls).toContain('rds:DescribeGlobalClusters');
    const named = usage.find((l) => l.call === 'rds:DescribeGlobalClusters');
    expect(named?.resources).toEqual(['global-db-v2-dev']);

    // Every call it made is granted; the policy without one of them is caught.
    const policy = policyOf('verify-v2');
    expect(judge('verify-v2', policy, calls).missing).toEqual([]);
    const verdict = judge('verify-v2', without(policy, 'rds:DescribeGlobalClusters'), calls);
    expect(verdict.missing).toEqual([
      { iamAction: 'rds:DescribeGlobalClusters', calls: ['rds:DescribeGlobalClusters'] },
    ]);
  });
});

function clientConfig(sandbox: Sandbox) {
  const env = sandbox.env();
  return {
    endpoint: env['AWS_ENDPOINT_URL']!,
    credentials: { accessKeyId: env['AWS_ACCESS_KEY_ID']!, secretAccessKey: env['AWS_SECRET_ACCESS_KEY']! },
  };
}

describe('the roles and their trust policy', () => {
  const trust = JSON.parse(readFileSync(path.join(root, 'iam/trust-policy.json'), 'utf8')) as {
    Version: string;
    Statement: {
      Effect: string;
      Principal: { Federated: string };
      Action: string;
      Condition: { StringEquals: Record<string, string | string[]> };
    }[];
  };
  const roles = JSON.parse(readFileSync(path.join(root, 'iam/roles.json'), 'utf8')) as Record<
    string,
    string[]
  >;

  it('lets only GitHub OIDC tokens for sts.amazonaws.com of one repository environment assume the role', () => {
    expect(trust.Version).toBe('2012-10-17');
    expect(trust.Statement).toHaveLength(1);
    const [statement] = trust.Statement;
    expect(statement!.Effect).toBe('Allow');
    expect(statement!.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(statement!.Principal.Federated).toBe(
      'arn:aws:iam::ACCOUNT_ID:oidc-provider/token.actions.githubusercontent.com',
    );
    const equals = statement!.Condition.StringEquals;
    expect(equals['token.actions.githubusercontent.com:aud']).toBe('sts.amazonaws.com');
    // Both subject forms: repositories created from 15 July 2026 (or opted in) send the immutable one.
    expect(equals['token.actions.githubusercontent.com:sub']).toEqual([
      'repo:OWNER/REPO:environment:ENVIRONMENT',
      'repo:OWNER@OWNER_ID/REPO@REPO_ID:environment:ENVIRONMENT',
    ]);
    expect(Object.keys(statement!.Condition)).toEqual(['StringEquals']);
  });

  it('give every action to the role of the environment its workflow job runs in', () => {
    const dir = path.join(root, '.github/workflows');
    const seen = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yml'))) {
      const workflow = parse(readFileSync(path.join(dir, file), 'utf8')) as {
        on?: string | string[] | Record<string, unknown>;
        jobs?: Record<
          string,
          {
            environment?: string | { name?: string };
            steps?: { uses?: string; with?: Record<string, string> }[];
          }
        >;
      };
      for (const [id, job] of Object.entries(workflow.jobs ?? {})) {
        const steps = job.steps ?? [];
        const assumes = steps.some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
        const runs = steps.flatMap((s) => /(?:^|\/)actions\/([a-z0-9-]+)$/.exec(s.uses ?? '')?.[1] ?? []);
        if (!assumes) continue;
        const name = typeof job.environment === 'string' ? job.environment : job.environment?.name;
        const onPullRequest = triggers(workflow.on).includes('pull_request');
        // The OIDC subject the role's trust policy admits: the job's environment, else a pull request's.
        expect({
          job: `${file} ${id}`,
          subject: name ?? (onPullRequest ? 'pull_request' : undefined),
        }).toEqual({
          job: `${file} ${id}`,
          subject: expect.any(String),
        });
        const role = name?.replace(/\$\{\{\s*inputs\.environment\s*\}\}/g, '{env}') ?? 'pull_request';
        for (const action of runs) {
          expect({ job: `${file} ${id}`, role, policies: roles[role] }).toEqual({
            job: `${file} ${id}`,
            role,
            policies: expect.arrayContaining([action]),
          });
          seen.add(action);
        }
      }
    }
    // Every action has a role, and the workflows run each in the role that has its policy.
    expect(Object.values(roles).flat().sort()).toEqual(actions);
    // Not vacuous: the workflows were read and run the actions.
    expect(seen.size).toBeGreaterThan(0);
  });
});

/** The events a workflow's `on:` names. */
function triggers(on: string | string[] | Record<string, unknown> | undefined): string[] {
  if (on === undefined) return [];
  if (typeof on === 'string') return [on];
  return Array.isArray(on) ? on : Object.keys(on);
}
