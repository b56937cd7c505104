import { addBucket, days, passTime, runAction, startLab, type Lab } from '@dbmig/sandbox';
import {
  appParameters,
  ledgerTypes,
  migratedAndVerified,
  mutatingCalls,
  parameter,
  runCutover,
} from '../../cutover/test/phase3.js';
import {
  ARCHIVE_BUCKET,
  inventory,
  metricsCaughtUp,
  protectCleanupEnvironment,
  runCleanup,
} from '../../cleanup-v1/test/phase4.js';
import {
  changesSince,
  databasePassword,
  everythingPrinted,
  previewComments,
  putParameter,
  REPOSITORY,
  runPreview,
} from './run-preview.js';

/*
 * The preview through its bundled dist/ against the sandbox and its GitHub, over one environment's
 * lifecycle: before the cutover (one sticky comment per environment, updated after the world changes,
 * no secret in it; a cutover given the stale fingerprint refuses and changes nothing), then, once cut
 * over and stable, the cleanup's deletion plan (a stale fingerprint refuses with nothing deleted).
 */

let lab: Lab;
const PR = 17;
const MARKER = '<!-- db-migration-toolkit preview: dev -->';
const CLEANUP_INPUTS = {
  'archive-bucket': ARCHIVE_BUCKET,
  'allow-disable-deletion-protection': 'true',
  'enable-point-in-time-recovery': 'true',
};
/** The fingerprints of the first preview, and of the one after the world changed. */
let approved: string;
let current: string;
let original: string;

beforeAll(async () => {
  lab = await startLab();
  await migratedAndVerified(lab);
}, 300_000);
afterAll(async () => {
  await lab?.stop();
});

test('run twice for one pull request: one comment per environment, updated in place, no secret in it', async () => {
  const { regions, parameters } = lab.config;
  // Someone quoting the marker: their comment is theirs, and must not be taken over.
  lab.github.addIssueComment(REPOSITORY, PR, { login: 'alice', body: `Why does the bot say\n${MARKER}` });
  const from = lab.sandbox.requests.length;
  const first = await runPreview(lab, PR);
  expect(first.stderr).toBe('');
  expect(first.exitCode).toBe(0);
  expect(first.outputs['comment']).toBe('created');
  expect(first.outputs['cleanup-plan']).toBe('');
  approved = first.outputs['cutover-plan']!;
  expect(approved).toMatch(/^cutover:v1:[0-9a-f]{64}$/);
  // Read-only: not one call that changes AWS.
  expect(changesSince(lab, from)).toEqual([]);

  const [comment] = previewComments(lab, PR);
  expect(previewComments(lab, PR)).toHaveLength(1);
  expect(comment!.body.endsWith(MARKER)).toBe(true);
  expect(comment!.body).toContain(approved);
  expect(comment!.body).toContain('Phase 1: verify-v2');
  expect(comment!.body).toMatch(/PostgreSQL: \d+ tables? of v1, about [\d,]+ rows/);
  expect(comment!.body).toContain('v2 is not empty'); // migrate-data has copied v1 already
  expect(comment!.body).toContain('Phase 3: cutover');
  expect(comment!.body).toContain(parameters.endpoint);
  expect(comment!.body).toContain('Set `archive-bucket`');
  expect(first.summary).toContain(approved);
  expect(lab.github.issueComments(REPOSITORY, PR)[0]).toMatchObject({
    body: `Why does the bot say\n${MARKER}`,
    user: { login: 'alice' },
  });

  // No SecureString value and no password, anywhere.
  const endpoint = parameter(lab, regions.primary, parameters.endpoint)!.value;
  const secrets = [
    endpoint,
    `${lab.databases.v2.host}:${lab.databases.v2.port}`,
    databasePassword(lab, 'v1'),
    databasePassword(lab, 'v2'),
  ];
  for (const secret of secrets) {
    expect(comment!.body).not.toContain(secret);
    expect(everythingPrinted(first)).not.toContain(secret);
  }

  // The world moves: the table parameter is changed by hand.
  original = parameter(lab, regions.primary, parameters.dynamodbTable)!.value;
  await putParameter(lab, regions.primary, parameters.dynamodbTable, 'payments-sessions-hand-edited');
  const second = await runPreview(lab, PR);
  expect(second.exitCode).toBe(0);
  expect(second.outputs['comment']).toBe('updated');
  current = second.outputs['cutover-plan']!;
  expect(current).toMatch(/^cutover:v1:[0-9a-f]{64}$/);
  expect(current).not.toBe(approved);
  const after = previewComments(lab, PR);
  expect(after).toHaveLength(1);
  expect(after[0]!.id).toBe(comment!.id);
  expect(after[0]!.body).toContain('payments-sessions-hand-edited');
  expect(after[0]!.body).toContain(current);
  expect(after[0]!.body).not.toContain(approved);
  for (const secret of secrets) {
    expect(after[0]!.body).not.toContain(secret);
    expect(everythingPrinted(second)).not.toContain(secret);
  }
  expect(lab.github.issueComments(REPOSITORY, PR)).toHaveLength(2);
}, 300_000);

test('another environment gets its own comment, found again by its own marker', async () => {
  const run = await runPreview(lab, PR, { environment: 'staging' });
  expect(run.exitCode).toBe(0);
  expect(run.outputs['comment']).toBe('created');
  const again = await runPreview(lab, PR, { environment: 'staging' });
  expect(['updated', 'unchanged']).toContain(again.outputs['comment']);
  const ours = previewComments(lab, PR);
  expect(ours).toHaveLength(2);
  expect(ours.map((c) => c.body.split('\n').at(-1))).toEqual([
    MARKER,
    '<!-- db-migration-toolkit preview: staging -->',
  ]);
  // Nothing of staging exists: each phase says so rather than failing the step.
  expect(ours[1]!.body).toContain('No plan could be made');
}, 300_000);

test("a fork's read-only token, or no pull request: a warning, the plan in the job summary, the step passes", async () => {
  const fork = 'example-org/payments-fork-target';
  lab.github.deny(fork);
  const refused = await runPreview(lab, 9, {}, { GITHUB_REPOSITORY: fork });
  expect(refused.exitCode).toBe(0);
  expect(refused.outputs['comment']).toBe('refused');
  const warning = refused.annotations.find((a) => a.level === 'warning')?.message ?? '';
  expect(warning).toContain('GitHub answered 403');
  expect(warning).toContain('pull-requests: write');
  expect(warning).not.toContain(lab.github.token);
  expect(refused.summary).toContain(refused.outputs['cutover-plan']!);
  expect(lab.github.issueComments(fork, 9)).toEqual([]);

  // A push or a dispatch names no pull request.
  const none = await runAction({
    actionDir: 'actions/preview',
    inputs: { environment: 'dev' },
    env: { ...lab.env(), ...lab.github.env() },
    timeoutMs: 200_000,
  });
  expect(none.exitCode).toBe(0);
  expect(none.outputs['comment']).toBe('skipped');
  expect(none.annotations.some((a) => a.level === 'warning' && /names no pull request/.test(a.message))).toBe(
    true,
  );
  expect(none.summary).toContain('DB migration preview: dev');

  // A bad input is refused by name before any AWS call.
  const from = lab.sandbox.requests.length;
  const bad = await runPreview(lab, PR, { 'archive-bucket': 's3://acme-db-archives' });
  expect(bad.exitCode).not.toBe(0);
  expect(bad.stdout + bad.stderr).toMatch(/archive-bucket.*must be an S3 bucket name/);
  expect(lab.sandbox.requests.length).toBe(from);
}, 300_000);

test('a cutover given the stale fingerprint refuses and changes nothing; the current one proceeds', async () => {
  const before = appParameters(lab);
  const ledger = await ledgerTypes(lab);
  const from = lab.sandbox.requests.length;
  const stale = await runCutover(lab, { 'expected-plan': approved });
  expect(stale.exitCode).not.toBe(0);
  expect(stale.stdout + stale.stderr).toContain(
    'the cutover plan changed since the preview that was approved',
  );
  expect(stale.stdout + stale.stderr).toContain('Run the preview again');
  expect(stale.stdout + stale.stderr).toContain(current);
  expect(appParameters(lab)).toEqual(before);
  expect(await ledgerTypes(lab)).toEqual(ledger);
  expect(mutatingCalls(lab, from)).toEqual([]);

  const dry = await runCutover(lab, { 'expected-plan': current, 'dry-run': 'true' });
  expect(dry.exitCode).toBe(0);
  expect(dry.stdout).toContain(`Plan fingerprint: ${current}`);
  expect(dry.stdout).toContain('Dry run: nothing was changed.');
  expect(appParameters(lab)).toEqual(before);

  const malformed = await runCutover(lab, { 'expected-plan': 'cutover:v1:abc' });
  expect(malformed.exitCode).not.toBe(0);
  expect(malformed.stdout + malformed.stderr).toMatch(/expected-plan.*cutover:v1: and 64 hex digits/);

  // Put back as it was, the world makes the approved plan again: the fingerprint is stable.
  const { regions, parameters } = lab.config;
  await putParameter(lab, regions.primary, parameters.dynamodbTable, original);
  const back = await runPreview(lab, PR);
  expect(back.outputs['cutover-plan']).toBe(approved);
  const real = await runCutover(lab, { 'expected-plan': approved }, { env: lab.github.env() });
  expect(real.exitCode).toBe(0);
  expect(real.outputs['cut-over']).toBe('true');
}, 400_000);

test('cleanup-v1 given the stale fingerprint of its deletion plan refuses with nothing deleted', async () => {
  addBucket(lab.sandbox.world, ARCHIVE_BUCKET, lab.config.regions.primary);
  protectCleanupEnvironment(lab);
  passTime(lab.sandbox, days(8));
  await metricsCaughtUp(lab);

  const first = await runPreview(lab, PR, CLEANUP_INPUTS);
  expect(first.exitCode).toBe(0);
  const planned = first.outputs['cleanup-plan']!;
  expect(planned).toMatch(/^cleanup:v1:[0-9a-f]{64}$/);
  const comment = previewComments(lab, PR)[0]!.body;
  expect(comment).toContain('Phase 4: cleanup-v1');
  expect(comment).toContain('Delete the instance primary-db-instance-0-dev');
  expect(comment).toContain(planned);
  expect(comment).not.toContain('Would refuse today, by');
  expect(comment).toContain('already cut over');

  // One more v1 instance: the deletion list is longer than the one previewed.
  const state = lab.sandbox.world.region(lab.config.regions.primary);
  const writer = [...state.instances.values()].find(
    (i) => i.clusterIdentifier === lab.config.v1.primaryCluster,
  )!;
  state.instances.set('primary-db-instance-2-dev', {
    ...writer,
    identifier: 'primary-db-instance-2-dev',
    arn: `${writer.arn}-2`,
    isClusterWriter: false,
  });
  const second = await runPreview(lab, PR, CLEANUP_INPUTS);
  const now = second.outputs['cleanup-plan']!;
  expect(now).not.toBe(planned);
  expect(previewComments(lab, PR)[0]!.body).toContain('Delete the instance primary-db-instance-2-dev');

  const before = inventory(lab);
  const from = lab.sandbox.requests.length;
  const stale = await runCleanup(lab, { 'expected-plan': planned });
  expect(stale.exitCode).not.toBe(0);
  expect(stale.summary).toContain('Refused: nothing was changed');
  const row = stale.summary.split('<tr>').find((r) => r.includes('the approved preview showed'));
  expect(row).toContain('Fail');
  expect(row).toContain('delete-instance:us-east-1:primary-db-instance-2-dev');
  expect(inventory(lab)).toEqual(before);
  expect(changesSince(lab, from)).toEqual([]);

  const dry = await runCleanup(lab, { 'expected-plan': now, 'dry-run': 'true', confirm: '' });
  expect(dry.exitCode).toBe(0);
  expect(dry.summary).toContain('Dry run');
  const passed = dry.summary.split('<tr>').find((r) => r.includes('the approved preview showed'));
  expect(passed).toContain('Pass');
  expect(inventory(lab)).toEqual(before);

  const malformed = await runCleanup(lab, { 'expected-plan': now.replace('cleanup', 'cutover') });
  expect(malformed.exitCode).not.toBe(0);
  expect(malformed.stdout + malformed.stderr).toMatch(/expected-plan.*is a cutover fingerprint/);
}, 400_000);
