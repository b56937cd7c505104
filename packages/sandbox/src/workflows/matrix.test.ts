import { expandMatrix } from './matrix.js';

describe('expandMatrix', () => {
  test('no strategy is one leg with an empty matrix', () => {
    expect(expandMatrix(undefined, 'w')).toEqual([{}]);
  });

  test('the product of the lists, less what exclude matches', () => {
    const legs = expandMatrix(
      { matrix: { node: [20, 24], os: ['linux', 'mac'], exclude: [{ node: 20, os: 'mac' }] } },
      'w',
    );
    expect(legs).toEqual([
      { node: 20, os: 'linux' },
      { node: 24, os: 'linux' },
      { node: 24, os: 'mac' },
    ]);
  });

  test('include extends the legs it does not change, and is a leg of its own when it fits none', () => {
    const legs = expandMatrix(
      {
        matrix: {
          environment: ['dev', 'prod'],
          include: [
            { environment: 'prod', reviewers: 2 },
            { environment: 'qa', reviewers: 0 },
          ],
        },
      },
      'w',
    );
    expect(legs).toEqual([
      { environment: 'dev' },
      { environment: 'prod', reviewers: 2 },
      { environment: 'qa', reviewers: 0 },
    ]);
  });

  test('a matrix that is not a mapping of lists is refused, naming where', () => {
    expect(() => expandMatrix({ matrix: { environment: 'dev' } }, 'preview.yml: job preview')).toThrow(
      'preview.yml: job preview: strategy.matrix.environment must be a list',
    );
  });
});
