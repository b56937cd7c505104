import { clearSecrets, redact, registerSecret } from './redact.js';

describe('redact', () => {
  afterEach(() => clearSecrets());

  it('returns text unchanged when no secret is registered', () => {
    expect(redact('password is hunter2')).toBe('password is hunter2');
  });

  it('replaces every occurrence of every registered secret', () => {
    registerSecret('hunter2');
    registerSecret('s3cr3t');
    expect(redact('hunter2 / s3cr3t / hunter2')).toBe('*** / *** / ***');
  });

  it('hides a secret that contains another one whole', () => {
    registerSecret('abc');
    registerSecret('xxabcxx');
    expect(redact('value xxabcxx')).toBe('value ***');
  });

  it('ignores an empty secret', () => {
    registerSecret('');
    expect(redact('unchanged')).toBe('unchanged');
  });
});
