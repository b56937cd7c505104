import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { workflowBreaches } from './workflow-policy.js';

// The repository's workflows keep the toolkit's safety rules (workflow-policy.ts), and each rule is
// shown to catch the breach it is for, on a copy of a real workflow broken in that one way.

const dir = join(import.meta.dirname, '..', '.github', 'workflows');
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
const read = (file: string) => readFileSync(join(dir, file), 'utf8');

test('the migration, rollback, cleanup and CI workflows are there', () => {
  expect(files).toEqual(
    expect.arrayContaining(['migrate.yml', 'rollback.yml', 'cleanup-v1.yml', 'ci.yml', 'preview.yml']),
  );
});

test.each(files)('%s keeps every rule', (file) => {
  expect(workflowBreaches(read(file))).toEqual([]);
});

interface EditableJob {
  environment?: unknown;
  concurrency?: unknown;
  permissions?: Record<string, string>;
  steps: { uses?: string; run?: string; name?: string; env?: Record<string, string> }[];
}

/** A copy of `file` with one job changed by `edit`. */
function broken(file: string, job: string, edit: (job: EditableJob) => void): string {
  const workflow = parse(read(file)) as { jobs: Record<string, EditableJob> };
  edit(workflow.jobs[job]!);
  return stringify(workflow);
}

test.each([
  [
    'the cutover without its environment gate',
    broken('migrate.yml', 'cutover', (j) => delete j.environment),
    'cutover: runs cutover without an environment gate',
  ],
  [
    'the cleanup behind the cutover environment',
    broken('cleanup-v1.yml', 'cleanup', (j) => (j.environment = '${{ inputs.environment }}-cutover')),
    'not an environment ending -v1-cleanup',
  ],
  [
    'the rollback outside the concurrency group',
    broken('rollback.yml', 'rollback', (j) => delete j.concurrency),
    'rollback: runs rollback outside a per-environment concurrency group',
  ],
  [
    'a concurrency group that cancels a phase in progress',
    broken(
      'migrate.yml',
      'migrate-data',
      (j) =>
        (j.concurrency = { group: 'db-migration-${{ inputs.environment }}', 'cancel-in-progress': true }),
    ),
    'may cancel a phase in progress',
  ],
  [
    'an input interpolated into a run: script',
    broken('cleanup-v1.yml', 'cleanup', (j) =>
      j.steps.push({ name: 'Echo', run: 'echo "${{ inputs.confirm }}"' }),
    ),
    'cleanup: step Echo interpolates an expression into its run: script',
  ],
  [
    'a third-party action on a tag',
    broken('migrate.yml', 'verify-v2', (j) => (j.steps[0]!.uses = 'actions/checkout@v6')),
    'verify-v2: actions/checkout@v6 is not pinned to a full commit SHA',
  ],
  [
    'the preview on pull_request_target',
    stringify({ ...(parse(read('preview.yml')) as object), on: { pull_request_target: null } }),
    'workflow: runs on pull_request_target',
  ],
  [
    'the preview with a write token for the repository contents',
    broken('preview.yml', 'preview', (j) => (j.permissions = { ...j.permissions, contents: 'write' })),
    'preview: permission contents: write is more than it needs',
  ],
  [
    'the preview commenting without running the preview action',
    broken('preview.yml', 'preview', (j) => (j.steps = j.steps.filter((s) => !s.uses?.endsWith('/preview')))),
    'preview: permission pull-requests: write is more than it needs',
  ],
  [
    'permissions broader than the job needs',
    broken('migrate.yml', 'parity', (j) => (j.permissions = { ...j.permissions, contents: 'write' })),
    'parity: permission contents: write is more than it needs',
  ],
])('%s is caught', (_what, text, breach) => {
  expect(workflowBreaches(text)).toEqual([expect.stringContaining(breach)]);
});

test('a job with no permissions of its own, in a workflow without any, is caught (it would get the repository default)', () => {
  const workflow = parse(read('rollback.yml')) as {
    permissions?: unknown;
    jobs: Record<string, EditableJob>;
  };
  delete workflow.permissions;
  delete workflow.jobs['rollback']!.permissions;
  expect(workflowBreaches(stringify(workflow))).toEqual(['rollback: declares no permissions']);
});

test('OIDC only where AWS credentials are assumed', () => {
  const text = broken('ci.yml', 'ci', (j) => (j.permissions = { contents: 'read', 'id-token': 'write' }));
  expect(workflowBreaches(text)).toEqual(['ci: permission id-token: write is more than it needs']);
});
