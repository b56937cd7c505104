/*
 * The users and teams the sandbox's GitHub knows: what `GET /users/{login}` and
 * `GET /orgs/{org}/teams/{team_slug}` answer, and what the ids of an environment's required reviewers
 * (`PUT .../environments/{name}` takes `{type, id}`) are checked against. Each keeps the id it was
 * first given, so a reviewer looked up by login and sent back by id is the same one.
 */

export interface DirectoryUser {
  id: number;
  /** The login as it was added: GitHub matches logins case-insensitively and answers with this spelling. */
  login: string;
}

export interface DirectoryTeam {
  id: number;
  /** The organization that owns the team (a repository's owner, for its environments' reviewers). */
  org: string;
  slug: string;
}

export class Directory {
  private readonly users = new Map<string, DirectoryUser>();
  private readonly teams = new Map<string, DirectoryTeam>();
  // Apart from each other, as on GitHub, so that a user's id sent as a team's matches nobody.
  private nextUserId = 583_231;
  private nextTeamId = 2_140_301;

  /** Adds the user `login`, or returns the one already known by that login. */
  addUser(login: string): DirectoryUser {
    const key = login.toLowerCase();
    const known = this.users.get(key);
    if (known) return known;
    const user = { id: this.nextUserId++, login };
    this.users.set(key, user);
    return user;
  }

  /** Adds the team `slug` of organization `org`, or returns the one already known. */
  addTeam(org: string, slug: string): DirectoryTeam {
    const key = teamKey(org, slug);
    const known = this.teams.get(key);
    if (known) return known;
    const team = { id: this.nextTeamId++, org, slug };
    this.teams.set(key, team);
    return team;
  }

  user(login: string): DirectoryUser | undefined {
    return this.users.get(login.toLowerCase());
  }

  team(org: string, slug: string): DirectoryTeam | undefined {
    return this.teams.get(teamKey(org, slug));
  }

  userById(id: number): DirectoryUser | undefined {
    return [...this.users.values()].find((user) => user.id === id);
  }

  /** A team of `org` by id: a reviewer of a repository's environment is a team of the repository's owner. */
  teamById(org: string, id: number): DirectoryTeam | undefined {
    return [...this.teams.values()].find(
      (team) => team.id === id && team.org.toLowerCase() === org.toLowerCase(),
    );
  }
}

/** A `simple-user` object as GitHub's OpenAPI describes it. */
export function renderUser(baseUrl: string, user: DirectoryUser): unknown {
  return {
    login: user.login,
    id: user.id,
    node_id: `U_kgDO${user.id.toString(36)}`,
    url: `${baseUrl}/users/${user.login}`,
    html_url: `https://github.com/${user.login}`,
    type: 'User',
    site_admin: false,
  };
}

/** A `team` object as GitHub's OpenAPI describes it (the name is the slug: tests give no other). */
export function renderTeam(baseUrl: string, team: DirectoryTeam): unknown {
  return {
    id: team.id,
    node_id: `T_kwDO${team.id.toString(36)}`,
    name: team.slug,
    slug: team.slug,
    description: null,
    privacy: 'closed',
    permission: 'pull',
    url: `${baseUrl}/orgs/${team.org}/teams/${team.slug}`,
    html_url: `https://github.com/orgs/${team.org}/teams/${team.slug}`,
    parent: null,
  };
}

function teamKey(org: string, slug: string): string {
  return `${org.toLowerCase()}/${slug.toLowerCase()}`;
}
