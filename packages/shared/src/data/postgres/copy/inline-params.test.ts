import { inlineParams } from './inline-params.js';

describe('inlineParams', () => {
  it('replaces $n with quoted literals outside identifiers and strings', () => {
    expect(inlineParams('"id" >= $1::bigint AND "id" < $2::bigint', ['10', '20'])).toBe(
      `"id" >= '10'::bigint AND "id" < '20'::bigint`,
    );
    expect(inlineParams(`"$1 ""x""" COLLATE "C" >= $1::text AND 'it''s $2' <> $2`, ["o'brien", 'b'])).toBe(
      `"$1 ""x""" COLLATE "C" >= 'o''brien'::text AND 'it''s $2' <> 'b'`,
    );
    expect(inlineParams('true', [])).toBe('true');
  });

  it('refuses a parameter it has no value for', () => {
    expect(() => inlineParams('"id" < $2', ['1'])).toThrow('no value for $2');
  });
});
