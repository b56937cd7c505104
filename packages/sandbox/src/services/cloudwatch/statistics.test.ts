import { aggregate, statistic } from './statistics.js';

const at = (iso: string) => new Date(iso);
const points = [
  { timestamp: at('2026-01-15T10:00:05Z'), value: 10 },
  { timestamp: at('2026-01-15T10:00:45Z'), value: 30 },
  { timestamp: at('2026-01-15T10:01:10Z'), value: 5 },
  { timestamp: at('2026-01-15T10:04:59Z'), value: 7 },
  { timestamp: at('2026-01-15T10:05:00Z'), value: 100 },
];

describe('statistic', () => {
  it.each([
    ['Average', 4],
    ['Sum', 16],
    ['Minimum', 1],
    ['Maximum', 10],
    ['SampleCount', 4],
    ['p50', 2],
    ['p99', 10],
    ['p100', 10],
  ])('%s of [1, 2, 3, 10] is %d', (stat, expected) => {
    expect(statistic(stat, [3, 1, 10, 2])).toBe(expected);
  });
});

describe('aggregate', () => {
  const window = { start: at('2026-01-15T10:00:00Z'), end: at('2026-01-15T10:05:00Z') };

  it('puts points in Period buckets from the start of the window; empty buckets yield nothing', () => {
    expect(aggregate(points, window, 60, 'Average')).toEqual({
      timestamps: [at('2026-01-15T10:00:00Z'), at('2026-01-15T10:01:00Z'), at('2026-01-15T10:04:00Z')],
      values: [20, 5, 7],
    });
  });

  it('excludes the end of the window and counts per bucket', () => {
    expect(aggregate(points, window, 300, 'SampleCount')).toEqual({
      timestamps: [at('2026-01-15T10:00:00Z')],
      values: [4],
    });
  });

  it('rounds the start down to the minute', () => {
    const late = { start: at('2026-01-15T10:00:30Z'), end: at('2026-01-15T10:02:00Z') };
    expect(aggregate(points, late, 60, 'Maximum').values).toEqual([30, 5]);
  });

  it('keeps high-resolution periods', () => {
    expect(aggregate(points, window, 10, 'Sum')).toEqual({
      timestamps: [
        at('2026-01-15T10:00:00Z'),
        at('2026-01-15T10:00:40Z'),
        at('2026-01-15T10:01:10Z'),
        at('2026-01-15T10:04:50Z'),
      ],
      values: [10, 30, 5, 7],
    });
  });
});
