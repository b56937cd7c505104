import * as z from 'zod/mini';
import { reviewerLabel, type ReviewerName } from './arguments.js';
import { GitHubError } from './errors.js';
import { callGitHub, type GitHubContext } from './github.js';
import type { Reviewer } from './state.js';

/*
 * An environment's PUT names reviewers by id, not by login: each user is looked up with
 * `GET /users/{username}` and each team with `GET /orgs/{org}/teams/{team_slug}` of the repository's
 * owner (a team reviewer must belong to the organization that owns the repository).
 */

const withId = z.object({ id: z.number() });

export async function resolveReviewers(
  context: GitHubContext,
  owner: string,
  names: ReviewerName[],
): Promise<Reviewer[]> {
  const reviewers: Reviewer[] = [];
  for (const name of names) {
    const label = reviewerLabel(name);
    const body =
      name.type === 'User'
        ? await callGitHub(context, {
            method: 'GET',
            path: `/users/${encodeURIComponent(name.login)}`,
            what: `looking up the user ${name.login} (--reviewers)`,
            notFound: `GitHub has no user ${name.login}; check the login in --reviewers.`,
            forbidden: 'the token may not look up users.',
          })
        : await callGitHub(context, {
            method: 'GET',
            path: `/orgs/${encodeURIComponent(owner)}/teams/${encodeURIComponent(name.slug)}`,
            what: `looking up the team ${name.slug} of ${owner} (--reviewers)`,
            notFound:
              `the organization ${owner} has no team ${name.slug} the token can see; check the slug in ` +
              "--reviewers (the last part of the team's URL), that the repository belongs to an organization, " +
              'and that the token may read its teams (a fine-grained token needs "Members: Read" of the organization).',
            forbidden: `the token may not read the teams of ${owner} (a fine-grained token needs "Members: Read").`,
          });
    const parsed = withId.safeParse(body);
    if (!parsed.success) throw new GitHubError(`GitHub answered the look-up of ${label} without an id.`);
    reviewers.push({ type: name.type, id: parsed.data.id, label });
  }
  return reviewers;
}
