import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { HARNESS_REPOSITORY, runAction, sandboxClient, type ActionRun, type Lab } from '@dbmig/sandbox';

export { everythingPrinted } from '@dbmig/sandbox';

export const REPOSITORY = HARNESS_REPOSITORY;

/**
 * Runs preview's bundled dist/ as the runner does on a `pull_request` event for pull request `pr`, against
 * the lab's sandbox and its GitHub (GITHUB_TOKEN and GITHUB_API_URL).
 */
export function runPreview(
  lab: Lab,
  pr: number,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {},
): Promise<ActionRun> {
  return runAction({
    actionDir: 'actions/preview',
    inputs: { environment: 'dev', ...inputs },
    env: { ...lab.env(), ...lab.github.env(), GITHUB_EVENT_NAME: 'pull_request', ...env },
    event: {
      action: 'synchronize',
      number: pr,
      pull_request: { number: pr, head: { ref: 'feature/db-v2' }, base: { ref: 'main' } },
      repository: { full_name: REPOSITORY },
    },
    timeoutMs: 200_000,
  });
}

/** The toolkit's own comments on pull request `pr`: those by the token's bot. */
export function previewComments(lab: Lab, pr: number) {
  return lab.github.issueComments(REPOSITORY, pr).filter((c) => c.user.login === 'github-actions[bot]');
}

/** Rewrites one application parameter through SSM, as a person changing it by hand would. */
export async function putParameter(lab: Lab, region: string, name: string, value: string): Promise<void> {
  const ssm = sandboxClient(SSMClient, lab.sandbox, region);
  try {
    const type = lab.sandbox.world.region(region).parameters.get(name)!.type;
    await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: type, Overwrite: true }));
  } finally {
    ssm.destroy();
  }
}

/** Calls that change something, from request `from` on (reads are Describe, Get, List, Head, Scan, …). */
export function changesSince(lab: Lab, from: number): string[] {
  return lab.sandbox.requests
    .slice(from)
    .map((r) => `${r.service}:${r.operation}`)
    .filter((op) => !/:(Describe|Get|List|Head|Scan|Query|Filter)/.test(op));
}

/** The password of a generation's database, as its secret holds it. */
export function databasePassword(lab: Lab, side: 'v1' | 'v2'): string {
  const name = lab.config[side].secret;
  const secret = [...lab.sandbox.world.region(lab.config.regions.primary).secrets.values()].find(
    (s) => s.name === name,
  )!;
  // The guide's secrets hold the password alone; others a JSON document with a password field.
  const raw = secret.secretString.trim();
  return raw.startsWith('{') ? (JSON.parse(raw) as { password: string }).password : raw;
}
