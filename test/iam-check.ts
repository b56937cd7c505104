import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod/mini';

/*
 * Least privilege, checked against what the actions really send. The sandbox (packages/sandbox/src/server.ts)
 * writes one line per call an action's AWS clients make when DBMIG_AWS_USAGE_DIR is set; over a test run that
 * covers the action, those lines are the calls its bundle makes. Each action's policy, iam/<action>.json, must
 * grant the IAM actions those calls need, and nothing else.
 *
 * STS is not among them: the role is assumed by aws-actions/configure-aws-credentials before any toolkit step
 * runs (iam/trust-policy.json), and the sandbox has no STS; no action calls it.
 */

/** One line of the sandbox's usage log. */
export const UsageLine = z.object({
  action: z.string(),
  /** The API call with the IAM prefix of its service: `rds:DescribeDBClusters`, `s3:HeadBucket`. */
  call: z.string(),
  region: z.string(),
  /** The names of the resources the call's request named (best effort). */
  resources: z.array(z.string()),
});
export type UsageLine = z.infer<typeof UsageLine>;

const StringOrList = z.union([z.string(), z.array(z.string())]);

const Statement = z.strictObject({
  Sid: z.optional(z.string().check(z.regex(/^[A-Za-z0-9]+$/))),
  Effect: z.enum(['Allow', 'Deny']),
  Action: StringOrList,
  Resource: StringOrList,
  Condition: z.optional(z.record(z.string(), z.record(z.string(), StringOrList))),
});

export const PolicyDocument = z.strictObject({
  Version: z.literal('2012-10-17'),
  Statement: z.array(Statement).check(z.minLength(1)),
});
export type PolicyDocument = z.infer<typeof PolicyDocument>;

/** A policy that is not a valid document, or breaks the toolkit's rules for one. */
export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

/**
 * The services whose IAM actions a policy may name: those the actions' AWS clients call, plus KMS for the
 * keys behind SecureString parameters and secrets.
 */
export const SERVICES = [
  'autoscaling',
  'cloudwatch',
  'dms',
  'dynamodb',
  'ec2',
  'iam',
  'kms',
  'logs',
  'rds',
  's3',
  'secretsmanager',
  'ssm',
] as const;

/**
 * What IAM authorizes for a call when that is more than, or other than, the call's own name (Service
 * Authorization Reference, "Dependent actions", and each service's guide), as the toolkit makes the call.
 * Not here: rds:DeleteDBCluster needs rds:CreateDBClusterSnapshot only with a final snapshot, and cleanup-v1
 * deletes with SkipFinalSnapshot (its verified final archive is that snapshot).
 */
export const IMPLIED: Record<string, { actions: string[]; replaces?: true; why: string }> = {
  's3:HeadBucket': {
    actions: ['s3:ListBucket'],
    replaces: true,
    why: 'S3 authorizes HeadBucket as s3:ListBucket',
  },
  's3:ListObjectsV2': { actions: ['s3:ListBucket'], replaces: true, why: 'ListObjectsV2 is s3:ListBucket' },
  'dynamodb:ExportTableToPointInTime': {
    actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:PutObjectAcl'],
    why: "DynamoDB writes the export into the bucket with the caller's permissions",
  },
  'dynamodb:UpdateTable': {
    actions: ['dynamodb:DeleteTableReplica'],
    why: 'the only UpdateTable the toolkit sends removes a global table replica (ReplicaUpdates Delete)',
  },
  'rds:CreateDBClusterSnapshot': {
    actions: ['rds:AddTagsToResource'],
    why: 'the snapshots are tagged as they are created (Purpose, Environment, RetainUntil)',
  },
  'ssm:GetParameter': { actions: ['kms:Decrypt'], why: 'read WithDecryption: SecureString values' },
  'ssm:GetParameters': { actions: ['kms:Decrypt'], why: 'read WithDecryption: SecureString values' },
  'ssm:GetParametersByPath': { actions: ['kms:Decrypt'], why: 'read WithDecryption: SecureString values' },
  'ssm:PutParameter': {
    actions: ['kms:Encrypt'],
    why: 'the endpoint parameter and some ledger events are SecureString',
  },
  'secretsmanager:GetSecretValue': { actions: ['kms:Decrypt'], why: 'a secret under a customer managed key' },
  'dms:CreateEndpoint': {
    actions: ['dms:AddTagsToResource', 'iam:PassRole'],
    why: 'the endpoints are tagged as they are created, and name the role DMS assumes to read the secrets (SecretsManagerAccessRoleArn), which the caller passes',
  },
  'dms:CreateReplicationTask': {
    actions: ['dms:AddTagsToResource'],
    why: 'the task is tagged as it is created',
  },
};

/**
 * IAM actions that take no resource-level permissions, or that the toolkit calls in a way only `"*"`
 * authorizes: RDS authorizes a filtered or unnamed Describe* against every resource of its kind, so a
 * name-scoped grant would refuse the toolkit's DescribeDBInstances by cluster filter.
 */
export const UNSCOPED = new Set([
  'autoscaling:DescribeAutoScalingGroups',
  'autoscaling:DescribeInstanceRefreshes',
  'cloudwatch:GetMetricData',
  'dynamodb:ListBackups',
  'ec2:DescribeSecurityGroups',
  'rds:DescribeDBClusters',
  'rds:DescribeDBInstances',
  'rds:DescribeDBClusterSnapshots',
  'rds:DescribeGlobalClusters',
  // DMS authorizes its filtered Describe* calls against every resource of their kind.
  'dms:DescribeConnections',
  'dms:DescribeEndpoints',
  'dms:DescribeReplicationInstances',
  'dms:DescribeReplicationTasks',
]);

/**
 * The resources a scoped statement may name: the guide's names with `*` for the environment and the run
 * (config/defaults.ts, ledger/names.ts, resources/backup-names.ts, cleanup/archives.ts), in any Region and
 * account. ARCHIVE_BUCKET is the one name the guide leaves to the team (cleanup-v1's `archive-bucket`).
 */
export const RESOURCE_PATTERNS: readonly RegExp[] = [
  /^arn:aws:rds:\*:\*:cluster:(primary|dr)-db-cluster-(v2-)?\*$/,
  /^arn:aws:rds:\*:\*:db:(primary|dr)-db-instance-(v2-)?\*$/,
  /^arn:aws:rds:\*:\*:global-cluster:global-db-(v2-)?\*$/,
  // A cluster's parameter group is the engine's default or the team's own, never a name of the guide.
  /^arn:aws:rds:\*:\*:cluster-pg:\*$/,
  /^arn:aws:rds:\*:\*:cluster-snapshot:(primary|dr)-db-cluster-\*-(premigration|final-archive)-\*$/,
  /^arn:aws:dynamodb:\*:\*:table\/session-table-(v2-)?\*(\/(backup|export|stream)\/\*)?$/,
  /^arn:aws:secretsmanager:\*:\*:secret:db-password-(v2-)?\*$/,
  /^arn:aws:ssm:\*:\*:parameter\/app\/\*\/(database|dynamodb)\/\*$/,
  /^arn:aws:ssm:\*:\*:parameter\/db-migration\/\*\/ledger\*?$/,
  /^arn:aws:ssm:\*:\*:parameter\/db-migration\/\*\/ledger\/\*$/,
  /^arn:aws:ssm:\*:\*:parameter\/db-migration\/\*\/dynamodb-(copy|stream)\/\*$/,
  // DMS names its endpoints and tasks by random ids in their ARNs; the replication instance is the team's.
  /^arn:aws:dms:\*:\*:(endpoint|task|rep):\*$/,
  // The role DMS assumes to read the secrets is the team's; passed to DMS only (a condition says so).
  /^arn:aws:iam::\*:role\/\*$/,
  /^arn:aws:autoscaling:\*:\*:autoScalingGroup:\*:autoScalingGroupName\/(primary|dr)-asg-\*$/,
  /^arn:aws:logs:\*:\*:log-group:\/aws\/application\/\*$/,
  /^arn:aws:s3:::ARCHIVE_BUCKET$/,
  /^arn:aws:s3:::ARCHIVE_BUCKET\/dynamodb-archives\/\*$/,
  /^arn:aws:kms:\*:\*:key\/\*$/,
];

const list = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);

/** Parses and checks one policy file's text; `file` names it in the message. */
export function parsePolicy(text: string, file: string): PolicyDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PolicyError(`${file} is not JSON: ${(error as Error).message}`);
  }
  const parsed = PolicyDocument.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`);
    throw new PolicyError(
      `${file} is not an IAM policy document ({Version: "2012-10-17", Statement: ` +
        `[{Sid?, Effect: "Allow" | "Deny", Action, Resource, Condition?}]}): ${issues.join('; ')}`,
    );
  }
  checkRules(parsed.data, file);
  return parsed.data;
}

/** Actions are `service:Operation` of a known service, never wildcards; `"*"` only where AWS needs it. */
function checkRules(policy: PolicyDocument, file: string): void {
  const granted = grantedActions(policy);
  policy.Statement.forEach((statement, index) => {
    const where = `${file} statement ${statement.Sid ?? index + 1}`;
    const actions = list(statement.Action);
    const seen = new Set<string>();
    for (const action of actions) {
      const match = /^([a-z0-9-]+):([A-Z][A-Za-z0-9]+)$/.exec(action);
      if (!match || !(SERVICES as readonly string[]).includes(match[1]!)) {
        throw new PolicyError(
          `${where}: action "${action}" is not service:Operation of one of ${SERVICES.join(', ')} ` +
            '(e.g. rds:DescribeDBClusters; no wildcards)',
        );
      }
      if (seen.has(action)) throw new PolicyError(`${where}: action "${action}" is granted twice`);
      seen.add(action);
      if (statement.Effect === 'Deny' && !granted.has(action)) {
        throw new PolicyError(`${where}: denies "${action}", which no Allow statement grants; remove it`);
      }
    }
    for (const resource of list(statement.Resource)) {
      if (resource === '*') {
        const scopable = actions.filter((a) => !UNSCOPED.has(a) && !a.startsWith('kms:'));
        if (scopable.length > 0) {
          throw new PolicyError(
            `${where}: Resource "*" for ${scopable.join(', ')}, which take resource-level permissions: ` +
              'name the resources by the naming pattern (e.g. arn:aws:rds:*:*:cluster:primary-db-cluster-v2-*)',
          );
        }
      } else if (!RESOURCE_PATTERNS.some((pattern) => pattern.test(resource))) {
        throw new PolicyError(
          `${where}: resource "${resource}" does not follow the guide's naming patterns ` +
            '(e.g. arn:aws:dynamodb:*:*:table/session-table-v2-*); see RESOURCE_PATTERNS in test/iam-check.ts',
        );
      }
    }
    if (
      statement.Effect === 'Allow' &&
      actions.some((a) => a.startsWith('kms:')) &&
      !statement.Condition?.['StringLike']?.['kms:ViaService']
    ) {
      throw new PolicyError(
        `${where}: a KMS grant needs a StringLike kms:ViaService condition (ssm.*.amazonaws.com)`,
      );
    }
  });
}

/**
 * Every IAM action a policy's Allow statements grant. A Deny statement only narrows a grant (cleanup-v1 may
 * never delete a v2 resource that its v1 pattern would also match), so it grants nothing.
 */
export function grantedActions(policy: PolicyDocument): Set<string> {
  return new Set(
    policy.Statement.filter((statement) => statement.Effect === 'Allow').flatMap((statement) =>
      list(statement.Action),
    ),
  );
}

/** The IAM actions the calls need, each with the calls that need it. */
export function requiredActions(calls: Iterable<string>): Map<string, Set<string>> {
  const required = new Map<string, Set<string>>();
  const need = (action: string, call: string) => {
    const calls = required.get(action) ?? new Set<string>();
    calls.add(call);
    required.set(action, calls);
  };
  for (const call of calls) {
    const implied = IMPLIED[call];
    if (!implied?.replaces) need(call, call);
    for (const action of implied?.actions ?? []) need(action, call);
  }
  return required;
}

export interface Verdict {
  action: string;
  /** IAM actions the calls need that the policy lacks, with the calls that need them. */
  missing: { iamAction: string; calls: string[] }[];
  /** IAM actions the policy grants that no call needed. */
  unused: string[];
  /** Names of the guide's forms that a call gave outside the Resource of the statements granting it. */
  uncovered: { call: string; resource: string }[];
}

/** Compares what an action called with what its policy grants. */
export function judge(action: string, policy: PolicyDocument, calls: Iterable<string>): Verdict {
  const required = requiredActions(calls);
  const granted = grantedActions(policy);
  return {
    action,
    missing: [...required]
      .filter(([iamAction]) => !granted.has(iamAction))
      .map(([iamAction, by]) => ({ iamAction, calls: [...by].sort() }))
      .sort((a, b) => a.iamAction.localeCompare(b.iamAction)),
    unused: [...granted].filter((iamAction) => !required.has(iamAction)).sort(),
    uncovered: [],
  };
}

export const passed = (verdict: Verdict): boolean =>
  verdict.missing.length === 0 && verdict.unused.length === 0 && verdict.uncovered.length === 0;

/** The diff a person fixes the policy from: `+` to add, `-` to remove. */
export function formatVerdict(verdict: Verdict, file: string): string {
  const lines = [`${file} does not match what ${verdict.action} calls:`];
  for (const { iamAction, calls } of verdict.missing) {
    const others = calls.filter((call) => call !== iamAction);
    const why = others.map((call) => `${call}: ${IMPLIED[call]?.why ?? 'its own action'}`);
    const by = others.length === 0 ? '' : ` (needed by ${why.join('; ')})`;
    lines.push(`  + ${iamAction}  called but not granted${by}`);
  }
  for (const iamAction of verdict.unused) lines.push(`  - ${iamAction}  granted but never called`);
  for (const { call, resource } of verdict.uncovered) {
    lines.push(`  ! ${call} on ${resource}  outside the Resource of the statements that grant it`);
  }
  return lines.join('\n');
}

/** The actions of the repository: every folder of actions/ with an action.yml. */
export function actionNames(root: string): string[] {
  const dir = path.join(root, 'actions');
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, 'action.yml')))
    .map((entry) => entry.name)
    .sort();
}

export const policyFile = (root: string, action: string): string => path.join(root, 'iam', `${action}.json`);

/** Reads every usage file of a folder; a line that is not a usage line is a defect of the sandbox's log. */
export function readUsage(dir: string): UsageLine[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .flatMap((name) =>
      readFileSync(path.join(dir, name), 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => UsageLine.parse(JSON.parse(line))),
    );
}

const TEST_ROOTS = ['packages', 'actions', 'test'];

function testFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.test.ts')) out.push(full);
    }
  };
  for (const top of TEST_ROOTS) if (existsSync(path.join(root, top))) walk(path.join(root, top));
  return out.sort();
}

/** A test file's text with that of the modules it imports by relative path, transitively (its helpers). */
function textWithHelpers(file: string, seen = new Set<string>()): string {
  if (seen.has(file) || !existsSync(file)) return '';
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  const imports = [...text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)].map((m) =>
    path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, '.ts')),
  );
  return [text, ...imports.map((imported) => textWithHelpers(imported, seen))].join('\n');
}

/**
 * The test files that may run an action's bundle: those that, with their helpers, name its folder
 * (`actions/cutover`). An action is judged only when all of them ran, so that a filtered run judges only
 * the actions it fully covers.
 */
export function testFilesByAction(root: string, actions: string[]): Map<string, string[]> {
  const texts = testFiles(root).map((file) => [file, textWithHelpers(file)] as const);
  return new Map(
    actions.map((action) => {
      const named = new RegExp(
        `(?<![\\w-])actions/${action.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`,
      );
      return [action, texts.filter(([, text]) => named.test(text)).map(([file]) => file)];
    }),
  );
}

export interface RunJudgement {
  /** One line per action: judged and how, or why not. */
  report: string[];
  /** The diffs and refusals that fail the run. */
  failures: string[];
}

/**
 * Judges the actions a test run covered: `ran` are the test files that ran, `failed` those of them with a
 * failing test (their calls may stop short, so their actions are not judged).
 */
export function judgeRun(options: {
  root: string;
  usage: UsageLine[];
  ran: string[];
  failed: string[];
}): RunJudgement {
  const { root, usage } = options;
  const ran = new Set(options.ran.map((f) => path.resolve(f)));
  const failed = new Set(options.failed.map((f) => path.resolve(f)));
  const actions = actionNames(root);
  const owners = testFilesByAction(root, actions);
  const report: string[] = [];
  const failures: string[] = [];
  const known = guideNames(root, actions);
  for (const action of actions) {
    const files = owners.get(action) ?? [];
    const rel = (file: string) => path.relative(root, file);
    if (files.length === 0 || files.some((f) => !ran.has(f))) continue;
    const broken = files.filter((f) => failed.has(f));
    if (broken.length > 0) {
      report.push(`${action}: not judged, failing tests in ${broken.map(rel).join(', ')}`);
      continue;
    }
    const file = policyFile(root, action);
    const calls = new Set(usage.filter((line) => line.action === action).map((line) => line.call));
    if (!existsSync(file)) {
      failures.push(
        `${rel(file)} is missing: ${action} calls ${[...calls].sort().join(', ') || 'nothing'}; write its policy`,
      );
      continue;
    }
    try {
      const policy = parsePolicy(readFileSync(file, 'utf8'), rel(file));
      const lines = usage.filter((line) => line.action === action);
      const verdict = {
        ...judge(action, policy, calls),
        uncovered: uncoveredResources(policy, lines, known),
      };
      if (passed(verdict))
        report.push(`${action}: ${rel(file)} grants exactly what its ${calls.size} distinct calls need`);
      else failures.push(formatVerdict(verdict, rel(file)));
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
    }
  }
  return { report, failures };
}

/**
 * Whether a name has one of the guide's forms: covered by a Resource of some action's policy. S3 and KMS
 * patterns do not count (a bucket is the team's name, a key is any key), nor names a test made up.
 */
function guideNames(root: string, actions: string[]): (name: string) => boolean {
  const patterns = actions
    .filter((action) => existsSync(policyFile(root, action)))
    .flatMap((action) => {
      try {
        return parsePolicy(readFileSync(policyFile(root, action), 'utf8'), action).Statement;
      } catch {
        return []; // reported as that action's failure
      }
    })
    .flatMap((statement) => list(statement.Resource))
    .filter((pattern) => pattern !== '*' && !anyOfItsType(pattern) && !/^arn:aws:(s3|kms):/.test(pattern));
  return (name) => patterns.some((pattern) => resourceCovers(pattern, name));
}

/** Every resource of one type (`arn:aws:rds:*:*:cluster-pg:*`): any name a call gives for it. */
const anyOfItsType = (pattern: string): boolean =>
  /^[A-Za-z-]+[:/]\*$/.test(pattern.split(':').slice(5).join(':'));

/** `*` any run of characters; ARCHIVE_BUCKET any bucket name (the one name the policies leave to the team). */
function globMatches(pattern: string, name: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace('ARCHIVE_BUCKET', '[a-z0-9.-]+'))
    .join('.*');
  return new RegExp(`^${source}$`).test(name);
}

/**
 * Whether a Resource of a statement covers a name a call gave: an ARN against the whole pattern, a bare name
 * (`primary-db-cluster-v2-dev`, `/app/dev/database/endpoint`) against the pattern's part after its resource
 * type (`cluster:`, `parameter`, `table/`), a bucket against the bucket of an object pattern.
 */
export function resourceCovers(pattern: string, name: string): boolean {
  if (pattern === '*') return true;
  if (name.startsWith('arn:')) return globMatches(pattern, name);
  if (anyOfItsType(pattern)) return true;
  const tails: string[] = [];
  for (let at = 0; at < pattern.length; at += 1) {
    if (pattern[at] === ':') tails.push(pattern.slice(at + 1));
    if (pattern[at] === '/') tails.push(pattern.slice(at + 1), pattern.slice(at));
  }
  const s3Bucket = /^arn:aws:s3:::([^/]+)\//.exec(pattern)?.[1];
  return (
    tails.some((tail) => !/^[*/]*$/.test(tail) && globMatches(tail, name)) ||
    (s3Bucket !== undefined && globMatches(s3Bucket, name))
  );
}

/**
 * The names the action's calls gave that no Allow statement granting the call's IAM actions covers, e.g. a
 * Scan of the v1 table by an action whose policy scopes Scan to v2. Only names of the guide's forms are
 * judged (`known`: covered by some Resource of some policy); a test's custom names are not.
 */
export function uncoveredResources(
  policy: PolicyDocument,
  lines: UsageLine[],
  known: (name: string) => boolean,
): { call: string; resource: string }[] {
  const out = new Map<string, { call: string; resource: string }>();
  for (const line of lines) {
    // A KMS grant is about the key behind a value, never about the names a call gives.
    const actions = new Set([...requiredActions([line.call]).keys()].filter((a) => !a.startsWith('kms:')));
    const patterns = policy.Statement.filter(
      (s) => s.Effect === 'Allow' && list(s.Action).some((a) => actions.has(a)),
    ).flatMap((s) => list(s.Resource));
    for (const resource of line.resources) {
      if (!known(resource) || patterns.some((p) => resourceCovers(p, resource))) continue;
      out.set(`${line.call} ${resource}`, { call: line.call, resource });
    }
  }
  return [...out.values()];
}
