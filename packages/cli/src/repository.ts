import { callGitHub, type GitHubContext } from './github.js';

/*
 * The repository is read first (`GET /repos/{owner}/{repo}`), so that a mistyped --repo stops the command
 * before anything else, rather than showing every environment as one to create.
 */
export async function checkRepository(context: GitHubContext, repository: string): Promise<void> {
  await callGitHub(context, {
    method: 'GET',
    path: `/repos/${repository}`,
    what: `reading the repository ${repository} (--repo)`,
    notFound:
      `no repository ${repository} exists that the token can see; check --repo, and that the token ` +
      '(a fine-grained one must be given the repository) belongs to an admin of it.',
    forbidden: `the token may not read ${repository}.`,
  });
}
