import { InputError } from '../errors/index.js';
import { digestValue, fingerprintPlan, parseExpectedPlan, planChanged } from './fingerprint.js';

const parts = [
  { label: '/app/db-endpoint in us-east-1', content: { before: digestValue('v1.example:5432') } },
  { label: 'refresh app-dev in us-east-1', content: { group: 'app-dev' } },
];

test('the same plan gives the same fingerprint; any change to a part, or to the order, gives another', () => {
  const a = fingerprintPlan('cutover', parts);
  expect(a.value).toMatch(/^cutover:v1:[0-9a-f]{64}$/);
  expect(fingerprintPlan('cutover', structuredClone(parts)).value).toBe(a.value);
  const changed = fingerprintPlan('cutover', [
    { ...parts[0]!, content: { before: digestValue('v2.example:5432') } },
    parts[1]!,
  ]);
  expect(changed.value).not.toBe(a.value);
  expect(changed.parts[0]!.digest).not.toBe(a.parts[0]!.digest);
  expect(changed.parts[1]!.digest).toBe(a.parts[1]!.digest);
  expect(fingerprintPlan('cutover', [parts[1]!, parts[0]!]).value).not.toBe(a.value);
  expect(fingerprintPlan('cleanup', parts).value).not.toBe(a.value.replace('cutover', 'cleanup'));
  // A value enters only as its hash.
  expect(JSON.stringify(a)).not.toContain('v1.example');
});

test('a changed plan is described by its parts as they are now, to set beside the approved comment', () => {
  const a = fingerprintPlan('cutover', parts);
  expect(planChanged('cutover', a.value, a)).toBeUndefined();
  const other = fingerprintPlan('cutover', parts.slice(1));
  const why = planChanged('cutover', a.value, other)!;
  expect(why).toContain('changed since the preview');
  expect(why).toContain(`refresh app-dev in us-east-1 (${other.parts[0]!.digest})`);
  expect(why).toContain('Run the preview again');
});

test('expected-plan: a malformed value, another phase, or another format version is an input error naming the input', () => {
  const good = fingerprintPlan('cleanup', parts).value;
  expect(parseExpectedPlan('expected-plan', ` ${good} `, 'cleanup')).toBe(good);
  const refused = (raw: string, phase: 'cutover' | 'cleanup') => {
    try {
      parseExpectedPlan('expected-plan', raw, phase);
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      return (error as Error).message;
    }
    throw new Error(`'${raw}' was accepted`);
  };
  expect(refused(good.slice(0, -1), 'cleanup')).toMatch(/expected-plan.*cleanup:v1: and 64 hex digits/);
  expect(refused(good, 'cutover')).toMatch(/is a cleanup fingerprint/);
  expect(refused(good.replace(':v1:', ':v9:'), 'cleanup')).toMatch(/format v9/);
  expect(refused('yes', 'cutover')).toMatch(/got 'yes'/);
});
