/*
 * The two ways setup-environments stops: the command line is wrong (exit 2, before any call to GitHub,
 * so nothing changed), or GitHub refused or could not be reached (exit 1). Each message alone says what
 * to change; none carries the token.
 */

/** A flag is missing or malformed: the message names the flag and the form it expects. */
export class UsageError extends Error {
  readonly exitCode = 2;
  /** The flag to fix, e.g. `--reviewers` (or the variable, `GITHUB_TOKEN`). */
  readonly flag: string;

  constructor(flag: string, detail: string) {
    super(`${flag}: ${detail}`);
    this.name = 'UsageError';
    this.flag = flag;
  }
}

/** GitHub refused a call, answered in an unexpected form, or could not be reached. */
export class GitHubError extends Error {
  readonly exitCode = 1;
  /** The HTTP status GitHub answered, when it answered. */
  readonly status?: number;

  constructor(message: string, status?: number) {
    super(message);
    this.name = 'GitHubError';
    if (status !== undefined) this.status = status;
  }
}
