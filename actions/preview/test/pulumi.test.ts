import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { errorsOf, runAction, startLab, type Lab } from '@dbmig/sandbox';
import {
  cleanV2Addition,
  replaced,
} from '../../../packages/shared/src/preview/pulumi/guide-stack.fixture.js';
import { changesSince, previewComments, REPOSITORY } from './run-preview.js';

/*
 * The guard of step 1.1 through the bundled preview: the file `pulumi preview --json` wrote, judged and
 * shown in the sticky comment; a refused change fails the step after the comment says why.
 */

let lab: Lab;
let workspace: string;
beforeAll(async () => {
  lab = await startLab({ scenario: 'payments-world' });
  workspace = await mkdtemp(path.join(os.tmpdir(), 'dbmig-pulumi-'));
});
afterAll(async () => {
  await lab?.stop();
  await rm(workspace, { recursive: true, force: true });
});

async function preview(pr: number, file: string, contents: unknown) {
  await writeFile(
    path.join(workspace, file),
    typeof contents === 'string' ? contents : JSON.stringify(contents),
  );
  return runAction({
    actionDir: 'actions/preview',
    inputs: { environment: 'dev', 'pulumi-preview-json': file },
    env: { ...lab.env(), ...lab.github.env(), GITHUB_EVENT_NAME: 'pull_request' },
    event: { number: pr, pull_request: { number: pr }, repository: { full_name: REPOSITORY } },
    workspace,
    timeoutMs: 200_000,
  });
}

describe('preview: the Pulumi preview guard', () => {
  it('passes a clean v2 addition and lists what v2 creates in the comment', async () => {
    const run = await preview(31, 'preview.json', cleanV2Addition());
    expect(errorsOf(run)).toEqual([]);
    expect(run.outputs['pulumi-verdict']).toBe('passed');
    const [comment] = previewComments(lab, 31);
    expect(comment?.body).toContain('### Pulumi preview (step 1.1)');
    expect(comment?.body).toContain('✅ **Passed**');
    expect(comment?.body).toContain('v2 creates 7: `db-password-v2-dev` (password secret)');
  });

  it('fails on a renamed v1 cluster, naming it, after the comment shows the refusal', async () => {
    const run = await preview(
      32,
      'renamed.json',
      replaced('primaryCluster', 'clusterIdentifier', { clusterIdentifier: 'payments-primary-dev' }),
    );
    expect(run.exitCode).toBe(1);
    expect(run.outputs['pulumi-verdict']).toBe('refused');
    expect(errorsOf(run)).toEqual(['the Pulumi preview would break v1 or v2: v1 primary-db-cluster-dev']);
    const [comment] = previewComments(lab, 32);
    expect(comment?.body).toContain('❌ **Refused**');
    expect(comment?.body).toContain('primary-db-cluster-dev (v1)');
  });

  it('refuses a file that is not a preview before any AWS call, naming the input', async () => {
    const from = lab.sandbox.requests.length;
    const run = await preview(33, 'broken.json', '{"steps": "none"');
    expect(run.exitCode).toBe(1);
    expect(errorsOf(run)[0]).toMatch(/^Input 'pulumi-preview-json': is not JSON/);
    expect(lab.sandbox.requests.length).toBe(from);
    expect(changesSince(lab, from)).toEqual([]);
    expect(previewComments(lab, 33)).toEqual([]);
  });
});
