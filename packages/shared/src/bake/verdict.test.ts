import type { ErrorLogCount } from '../resources/error-logs.js';
import type { MetricPoint } from '../resources/metric-data.js';
import { bakeVerdict, type BakeCheckId, type BakeFigures } from './verdict.js';

const T0 = Date.parse('2026-05-06T07:00:00.000Z');

/** One datapoint a minute from T0. */
function points(...values: number[]): MetricPoint[] {
  return values.map((value, i) => ({ timestamp: new Date(T0 + i * 60_000), value }));
}

const QUIET_LOGS: ErrorLogCount = {
  groupExists: true,
  logGroup: '/aws/application/dev',
  count: 0,
  samples: [],
};

/** A bake that passes: traffic moved from v1 to v2, the v2 table is used, no errors. */
function healthy(overrides: Partial<BakeFigures> = {}): BakeFigures {
  return {
    v2Connections: { cluster: 'primary-db-cluster-v2-dev', points: points(0, 3, 8) },
    v1Connections: { cluster: 'primary-db-cluster-v1-dev', points: points(8, 4, 0) },
    baselines: { v1: 8, v2: 0 },
    v2Capacity: {
      table: 'session-table-v2-dev',
      read: { points: points(2, 5) },
      write: { points: points(1) },
    },
    errorLogs: QUIET_LOGS,
    maxErrorLogs: 5,
    ...overrides,
  };
}

function check(figures: BakeFigures, id: BakeCheckId) {
  const found = bakeVerdict(figures).checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return found;
}

describe('bakeVerdict', () => {
  test('traffic on v2, v1 drained, the v2 table used and few errors: passed, with each figure explained', () => {
    const result = bakeVerdict(healthy());
    expect(result.verdict).toBe('passed');
    expect(result.checks.map((c) => [c.id, c.status])).toEqual([
      ['v2-connections-rising', 'pass'],
      ['v1-connections-draining', 'pass'],
      ['v2-table-traffic', 'pass'],
      ['error-logs', 'pass'],
    ]);
    expect(result.checks[0]!.detail).toBe('v2 primary-db-cluster-v2-dev: 8 connections (before cutover: 0).');
    expect(result.checks[0]!.figures).toEqual({
      cluster: 'primary-db-cluster-v2-dev',
      latest: 8,
      latestAt: '2026-05-06T07:02:00.000Z',
      baseline: 0,
    });
    expect(result.checks[1]!.detail).toBe('v1 primary-db-cluster-v1-dev: 0 connections (before cutover: 8).');
    expect(result.checks[2]!.detail).toBe(
      'v2 session-table-v2-dev: consumed read 7 units, write 1 unit in the bake window.',
    );
    expect(result.checks[3]!.detail).toBe(
      '0 events matching "ERROR" in /aws/application/dev (at most 5 allowed).',
    );
  });

  describe('v2 connections rising', () => {
    test('the latest datapoint counts, not the peak', () => {
      const c = check(
        healthy({ v2Connections: { cluster: 'v2', points: points(9, 0) } }),
        'v2-connections-rising',
      );
      expect(c.status).toBe('fail');
      expect(c.detail).toMatch(
        /v2 v2: 0 connections \(before cutover: 0\): the application is not connecting/,
      );
    });

    test('not above the baseline fails; above it passes', () => {
      const cluster = { cluster: 'v2', points: points(4) };
      expect(
        check(healthy({ v2Connections: cluster, baselines: { v1: 8, v2: 4 } }), 'v2-connections-rising')
          .status,
      ).toBe('fail');
      expect(
        check(healthy({ v2Connections: cluster, baselines: { v1: 8, v2: 3 } }), 'v2-connections-rising')
          .status,
      ).toBe('pass');
    });

    test('no datapoint is inconclusive, never healthy', () => {
      const result = bakeVerdict(healthy({ v2Connections: { cluster: 'v2', points: [] } }));
      expect(result.verdict).toBe('inconclusive');
      expect(result.checks[0]).toMatchObject({
        status: 'inconclusive',
        figures: { latest: null, latestAt: null },
      });
      expect(result.checks[0]!.detail).toMatch(/no DatabaseConnections datapoint/);
    });

    test('without a baseline, connections above zero still show traffic', () => {
      const c = check(healthy({ baselines: { v1: 8 } }), 'v2-connections-rising');
      expect(c.status).toBe('pass');
      expect(c.detail).toContain('before cutover: not measured');
    });
  });

  describe('v1 connections draining', () => {
    test('fewer than before cutover passes, as many or more fails', () => {
      expect(
        check(healthy({ v1Connections: { cluster: 'v1', points: points(3) } }), 'v1-connections-draining')
          .status,
      ).toBe('pass');
      const still = check(
        healthy({ v1Connections: { cluster: 'v1', points: points(8) } }),
        'v1-connections-draining',
      );
      expect(still.status).toBe('fail');
      expect(still.detail).toBe(
        'v1 v1: 8 connections (before cutover: 8): not fewer than before cutover, so the application is still on v1.',
      );
    });

    test('zero passes, even when it was zero before cutover', () => {
      const idle = healthy({
        v1Connections: { cluster: 'v1', points: points(0) },
        baselines: { v1: 0, v2: 0 },
      });
      expect(check(idle, 'v1-connections-draining').status).toBe('pass');
    });

    test('no datapoint, or connections left with no baseline to compare, is inconclusive', () => {
      expect(
        check(healthy({ v1Connections: { cluster: 'v1', points: [] } }), 'v1-connections-draining').status,
      ).toBe('inconclusive');
      const unknown = healthy({ v1Connections: { cluster: 'v1', points: points(2) }, baselines: { v2: 0 } });
      expect(check(unknown, 'v1-connections-draining').status).toBe('inconclusive');
      expect(
        check({ ...unknown, v1Connections: { cluster: 'v1', points: points(0) } }, 'v1-connections-draining')
          .status,
      ).toBe('pass');
    });
  });

  describe('v2 table traffic', () => {
    test('read or write units above zero pass', () => {
      const writesOnly = healthy({
        v2Capacity: { table: 't', read: { points: points(0) }, write: { points: points(0, 0.5) } },
      });
      expect(check(writesOnly, 'v2-table-traffic')).toMatchObject({
        status: 'pass',
        figures: { readUnits: 0, writeUnits: 0.5 },
      });
      const readsOnly = healthy({
        v2Capacity: { table: 't', read: { points: points(3) }, write: { points: [] } },
      });
      expect(check(readsOnly, 'v2-table-traffic').status).toBe('pass');
    });

    test('datapoints of zero for both fail', () => {
      const idle = healthy({
        v2Capacity: { table: 't', read: { points: points(0, 0) }, write: { points: points(0) } },
      });
      expect(check(idle, 'v2-table-traffic')).toMatchObject({ status: 'fail' });
      expect(bakeVerdict(idle).verdict).toBe('failed');
    });

    test('missing datapoints with nothing above zero are inconclusive', () => {
      const none = healthy({ v2Capacity: { table: 't', read: { points: [] }, write: { points: [] } } });
      expect(check(none, 'v2-table-traffic')).toMatchObject({
        status: 'inconclusive',
        figures: { readUnits: null, writeUnits: null },
      });
      const half = healthy({
        v2Capacity: { table: 't', read: { points: points(0) }, write: { points: [] } },
      });
      expect(check(half, 'v2-table-traffic').status).toBe('inconclusive');
    });
  });

  describe('error logs', () => {
    const logs = (count: number): ErrorLogCount => ({
      groupExists: true,
      logGroup: '/aws/application/dev',
      count,
      samples: ['ERROR connection refused'],
    });

    test('up to the threshold passes; above it fails, quoting the first sample', () => {
      expect(check(healthy({ errorLogs: logs(5) }), 'error-logs').status).toBe('pass');
      const failed = check(healthy({ errorLogs: logs(6) }), 'error-logs');
      expect(failed.status).toBe('fail');
      expect(failed.detail).toBe(
        '6 events matching "ERROR" in /aws/application/dev (at most 5 allowed); first: ERROR connection refused.',
      );
      expect(failed.figures).toEqual({
        logGroup: '/aws/application/dev',
        count: 6,
        threshold: 5,
        samples: ['ERROR connection refused'],
      });
    });

    test('a missing log group is inconclusive, not zero errors', () => {
      const c = check(
        healthy({ errorLogs: { groupExists: false, logGroup: '/aws/application/dev' } }),
        'error-logs',
      );
      expect(c).toMatchObject({ status: 'inconclusive', figures: { count: null } });
      expect(c.detail).toMatch(/does not exist/);
    });
  });

  test('any failure makes the bake failed, even beside inconclusive checks', () => {
    const result = bakeVerdict(
      healthy({
        v2Connections: { cluster: 'v2', points: [] },
        errorLogs: { groupExists: true, logGroup: 'g', count: 50, samples: [] },
      }),
    );
    expect(result.verdict).toBe('failed');
  });
});
