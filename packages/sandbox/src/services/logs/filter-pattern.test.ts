import { AwsError } from '../../errors.js';
import { matches, parseFilterPattern } from './filter-pattern.js';

function matching(pattern: string, messages: string[]): string[] {
  const parsed = parseFilterPattern(pattern);
  return messages.filter((message) => matches(parsed, message));
}

const LINES = [
  '[ERROR 400] BAD REQUEST',
  '[ERROR 401] UNAUTHORIZED REQUEST',
  '[ERROR] Caught IllegalArgumentException',
  '[WARN] Retrying after Exception',
  '[INFO] INTERNAL SERVER ERROR resolved',
  '[info] error in lower case',
];

describe('filter patterns for unstructured log events', () => {
  test('an empty or blank pattern matches every event', () => {
    expect(matching('', LINES)).toEqual(LINES);
    expect(matching('   ', LINES)).toEqual(LINES);
    expect(matches(parseFilterPattern(undefined), 'anything')).toBe(true);
  });

  test('a single term matches where it occurs, case sensitive', () => {
    expect(matching('ERROR', LINES)).toEqual([LINES[0], LINES[1], LINES[2], LINES[4]]);
    expect(matching('error', LINES)).toEqual([LINES[5]]);
  });

  test('every term of a pattern must occur', () => {
    expect(matching('ERROR Exception', LINES)).toEqual([LINES[2]]);
    expect(matching('ERROR REQUEST 401', LINES)).toEqual([LINES[1]]);
  });

  test('a quoted phrase matches only as a whole, and quotes let a term hold non-alphanumerics', () => {
    expect(matching('"INTERNAL SERVER ERROR"', LINES)).toEqual([LINES[4]]);
    expect(matching('"SERVER INTERNAL"', LINES)).toEqual([]);
    expect(matching('"[ERROR 400]"', LINES)).toEqual([LINES[0]]);
    expect(matching('"say \\"hi\\""', ['they say "hi"', 'they say hi'])).toEqual(['they say "hi"']);
  });

  test('?terms match when any of them occurs', () => {
    expect(matching('?WARN ?INFO', LINES)).toEqual([LINES[3], LINES[4]]);
  });

  test('-terms exclude the events they occur in', () => {
    expect(matching('ERROR -REQUEST', LINES)).toEqual([LINES[2], LINES[4]]);
    expect(matching('-ERROR', LINES)).toEqual([LINES[3], LINES[5]]);
  });

  test('mixed kinds: every plain term, one of the ?terms, none of the -terms', () => {
    expect(matching('ERROR ?400 ?Exception -Illegal', LINES)).toEqual([LINES[0]]);
  });

  test.each([
    ['{ $.level = "ERROR" }', /JSON or space-delimited/],
    ['[w1=ERROR, w2]', /JSON or space-delimited/],
    ['%ERR(OR)?%', /regular-expression/],
    ['"unterminated', /unterminated/],
    ['ERROR ?', /empty term/],
  ])('%s is refused with InvalidParameterException', (pattern, message) => {
    let error: unknown;
    try {
      parseFilterPattern(pattern);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AwsError);
    expect((error as AwsError).code).toBe('InvalidParameterException');
    expect((error as AwsError).message).toMatch(message);
  });
});
