import { cleanupFingerprint, planFingerprintCheck } from './fingerprint.js';
import type { ArchiveRecord } from './archives.js';
import type { PlanStep } from './plan.js';

const step = (resource: string): PlanStep => ({
  id: `delete-instance:us-east-1:${resource}`,
  kind: 'delete-instance',
  region: 'us-east-1',
  resource,
  description: `Delete the instance ${resource}, final archive of run r123-1.`,
  lane: 'primary',
});
const archive = (identifier: string): ArchiveRecord => ({
  kind: 'table-export',
  source: 'session-table-dev',
  region: 'us-east-1',
  identifier,
  arn: '',
  state: 'planned',
  reused: false,
});

test("the fingerprint follows the steps and the archives' destination, not the run's names for them", () => {
  const a = cleanupFingerprint([step('i-0'), step('i-1')], [archive('s3://bucket-a/dev/r123-1/')]);
  const sameOtherRun = cleanupFingerprint(
    [{ ...step('i-0'), description: 'run r999-2' }, step('i-1')],
    [archive('s3://bucket-a/dev/r999-2/')],
  );
  expect(sameOtherRun.value).toBe(a.value);
  expect(cleanupFingerprint([step('i-0')], [archive('s3://bucket-a/dev/r123-1/')]).value).not.toBe(a.value);
  expect(
    cleanupFingerprint([step('i-0'), step('i-1')], [archive('s3://bucket-b/dev/r123-1/')]).value,
  ).not.toBe(a.value);
});

test('the guard passes the approved plan, fails another naming its parts, and stands aside once deletion began', () => {
  const approved = cleanupFingerprint([step('i-0')], []);
  const now = cleanupFingerprint([step('i-0'), step('i-2')], []);
  expect(planFingerprintCheck(approved.value, approved).status).toBe('pass');
  const failed = planFingerprintCheck(approved.value, now);
  expect(failed.status).toBe('fail');
  expect(failed.detail).toContain('delete-instance:us-east-1:i-2');
  expect(failed.detail).toContain('Run the preview again');
  const resumed = planFingerprintCheck(approved.value, now, 12);
  expect(resumed.status).toBe('skip');
  expect(resumed.detail).toContain('ledger #12');
});
