import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

/*
 * The command line of `db-migration-toolkit setup-environments`, checked whole before anything reaches
 * GitHub: a wrong flag stops the command with exit 2 and nothing changed.
 */

/** A required reviewer as named on the command line: a user by login, or a team of the owner by slug. */
export type ReviewerName = { type: 'User'; login: string } | { type: 'Team'; slug: string };

export interface SetupArguments {
  /** `owner/name`, as given. */
  repository: string;
  owner: string;
  /** The environment the workflows are dispatched with (`dev`), which names the gated ones. */
  environment: string;
  reviewers: ReviewerName[];
  /** Branch patterns that may deploy to the gated environments; left out: protected branches only. */
  branchPatterns?: string[];
  /** Minutes a gated job waits before it may be approved; left out: whatever the environment has. */
  waitTimer?: number;
  /** Also create the plain `<env>` environment the ungated jobs run in (on unless `--gates-only`). */
  plainEnvironment: boolean;
  dryRun: boolean;
}

export type Command = { kind: 'help' } | { kind: 'setup-environments'; args: SetupArguments };

export const USAGE = `Usage: db-migration-toolkit setup-environments --repo <owner/name> --environment <env>
         --reviewers <login|team:slug>[,...] [--branch-pattern <pattern>]... [--wait-timer <minutes>]
         [--gates-only] [--dry-run]

Creates or updates the GitHub environments the migration workflows run in:
  <env>             the ungated jobs (verify, migrate-data): created when missing, its rules left as they are
  <env>-cutover     the cutover and the rollback: required reviewers, prevent self-review, protected branches
                    (or the branch patterns given)
  <env>-v1-cleanup  the deletion of v1: the same rules

  --repo         the repository, owner/name
  --environment  the environment the workflows are dispatched with (dev, staging, prod)
  --reviewers    up to 6 required reviewers, comma-separated: user logins, or team:<slug> for a team of
                 the repository's organization (one approval suffices)
  --branch-pattern  a branch that may deploy to the gated environments instead of the protected ones
                 (GitHub's name patterns: main, release/*); repeat it for more
  --wait-timer   minutes a gated job waits before it may be approved, 0 to 43200 (default: leave as is)
  --gates-only   do not create the plain <env> environment
  --dry-run      print what would change, and change nothing

The token comes from GITHUB_TOKEN (or GH_TOKEN) and must administer the repository: a workflow's own
GITHUB_TOKEN cannot. The API is GITHUB_API_URL (default https://api.github.com).`;

/** The gated environments' suffixes: `--environment dev-cutover` would make `dev-cutover-cutover`. */
const GATE_SUFFIXES = ['-cutover', '-v1-cleanup'];
const MAX_REVIEWERS = 6;
/** GitHub's logins: letters, digits and single hyphens inside, at most 39 characters. */
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const OWNER = LOGIN;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
const SLUG = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
/** GitHub allows 255 characters; the longest gated name adds 11. */
const ENVIRONMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,243}$/;

export function parseCommandLine(argv: string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        repo: { type: 'string' },
        environment: { type: 'string' },
        reviewers: { type: 'string' },
        'wait-timer': { type: 'string' },
        'branch-pattern': { type: 'string', multiple: true },
        'gates-only': { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    // parseArgs names the flag itself ("Unknown option '--x'", "Option '--repo <value>' argument missing").
    throw new UsageError('command line', `${(error as Error).message}.\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  const [command, ...extra] = positionals;
  if (command !== 'setup-environments') {
    throw new UsageError(
      'command',
      `${command === undefined ? 'no command given' : `unknown command '${command}'`}; the command is setup-environments.\n\n${USAGE}`,
    );
  }
  if (extra.length > 0) {
    throw new UsageError('command line', `unexpected argument '${extra[0]}': every value follows its flag.`);
  }
  const { owner, repository } = parseRepository(values.repo);
  const waitTimer = parseWaitTimer(values['wait-timer']);
  const branchPatterns = parseBranchPatterns(values['branch-pattern']);
  return {
    kind: 'setup-environments',
    args: {
      repository,
      owner,
      environment: parseEnvironment(values.environment),
      reviewers: parseReviewers(values.reviewers),
      ...(waitTimer !== undefined ? { waitTimer } : {}),
      ...(branchPatterns !== undefined ? { branchPatterns } : {}),
      plainEnvironment: !values['gates-only'],
      dryRun: values['dry-run'],
    },
  };
}

function parseRepository(value: string | undefined): { owner: string; repository: string } {
  const form = 'expected owner/name, e.g. --repo acme/payments';
  if (value === undefined) throw new UsageError('--repo', `missing; ${form}.`);
  const [owner, repo, ...rest] = value.split('/');
  if (
    owner === undefined ||
    repo === undefined ||
    rest.length > 0 ||
    !OWNER.test(owner) ||
    !REPO.test(repo)
  ) {
    throw new UsageError('--repo', `'${value}' is not a repository; ${form}.`);
  }
  if (repo === '.' || repo === '..')
    throw new UsageError('--repo', `'${value}' is not a repository; ${form}.`);
  return { owner, repository: `${owner}/${repo}` };
}

function parseEnvironment(value: string | undefined): string {
  const form = 'expected the name the workflows are dispatched with, e.g. --environment dev';
  if (value === undefined) throw new UsageError('--environment', `missing; ${form}.`);
  if (!ENVIRONMENT.test(value)) {
    throw new UsageError(
      '--environment',
      `'${value}' is not an environment name (letters, digits, '.', '_' and '-', at most 244 characters); ${form}.`,
    );
  }
  const suffix = GATE_SUFFIXES.find((s) => value.toLowerCase().endsWith(s));
  if (suffix !== undefined) {
    const base = value.slice(0, -suffix.length);
    throw new UsageError(
      '--environment',
      `'${value}' is a gated environment's name; give the environment itself (--environment ${base}), and ${base}-cutover and ${base}-v1-cleanup are made from it.`,
    );
  }
  return value;
}

function parseReviewers(value: string | undefined): ReviewerName[] {
  const form = `expected 1 to ${MAX_REVIEWERS} comma-separated logins or team:<slug>, e.g. --reviewers alice,team:dba`;
  if (value === undefined) throw new UsageError('--reviewers', `missing; ${form}.`);
  const entries = value.split(',').map((entry) => entry.trim());
  const reviewers = entries.map((entry): ReviewerName => {
    if (entry.toLowerCase().startsWith('team:')) {
      const slug = entry.slice('team:'.length);
      if (!SLUG.test(slug)) throw new UsageError('--reviewers', `'${entry}' is not a team; ${form}.`);
      return { type: 'Team', slug };
    }
    if (!LOGIN.test(entry)) {
      throw new UsageError(
        '--reviewers',
        `'${entry}' is not a GitHub login${entry === '' ? ' (an empty entry)' : ''}; ${form}.`,
      );
    }
    return { type: 'User', login: entry };
  });
  if (reviewers.length > MAX_REVIEWERS) {
    throw new UsageError(
      '--reviewers',
      `${reviewers.length} reviewers given, GitHub allows at most ${MAX_REVIEWERS}; ${form}.`,
    );
  }
  const seen = new Set<string>();
  for (const reviewer of reviewers) {
    const key = reviewerLabel(reviewer).toLowerCase();
    if (seen.has(key))
      throw new UsageError('--reviewers', `${reviewerLabel(reviewer)} is named twice; ${form}.`);
    seen.add(key);
  }
  return reviewers;
}

function parseBranchPatterns(values: string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  const form =
    "expected a branch name pattern such as main or 'release/*' (quoted for the shell), one per flag";
  const seen = new Set<string>();
  for (const pattern of values) {
    if (pattern === '' || /\s/.test(pattern) || pattern.length > 255) {
      throw new UsageError('--branch-pattern', `'${pattern}' is not a branch pattern; ${form}.`);
    }
    if (seen.has(pattern)) throw new UsageError('--branch-pattern', `'${pattern}' is given twice; ${form}.`);
    seen.add(pattern);
  }
  return values;
}

function parseWaitTimer(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const minutes = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(minutes >= 0 && minutes <= 43_200)) {
    throw new UsageError(
      '--wait-timer',
      `'${value}' is not a number of minutes; expected a whole number from 0 to 43200.`,
    );
  }
  return minutes;
}

/** How a reviewer is written on the command line and in what the command prints. */
export function reviewerLabel(reviewer: ReviewerName): string {
  return reviewer.type === 'User' ? reviewer.login : `team:${reviewer.slug}`;
}
