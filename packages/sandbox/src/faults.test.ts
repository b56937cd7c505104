import { FaultInjector, type FaultDecision, type FaultRule } from './faults.js';

/** `count` decisions for one operation, in order. */
function decisions(
  injector: FaultInjector,
  count: number,
  service = 'rds',
  operation = 'DescribeDBClusters',
) {
  return Array.from({ length: count }, () => injector.decide(service, operation));
}

function share(list: FaultDecision[], fault: FaultDecision['fault']): number {
  return list.filter((d) => d.fault === fault).length / list.length;
}

describe('rule precedence', () => {
  // Listed least specific first, so that a match by position would pick the wrong rule.
  const rules: FaultRule[] = [
    { operation: '*', throttleRate: 1, latencyMs: 1 },
    { operation: 'rds:*', serverErrorRate: 1, latencyMs: 2 },
    { operation: 'rds:DescribeDBClusters', latencyMs: 3 },
  ];

  test('an exact `service:Operation` rule wins over `service:*` and `*`', () => {
    const injector = new FaultInjector(rules);
    expect(injector.decide('rds', 'DescribeDBClusters')).toEqual({ latencyMs: 3 });
  });

  test('`service:*` wins over `*` for the other operations of that service', () => {
    const injector = new FaultInjector(rules);
    expect(injector.decide('rds', 'DescribeDBInstances')).toEqual({ latencyMs: 2, fault: 'server-error' });
  });

  test('`*` applies to every other service', () => {
    const injector = new FaultInjector(rules);
    expect(injector.decide('ssm', 'GetParameter')).toEqual({ latencyMs: 1, fault: 'throttle' });
  });

  test('an operation rule of one service does not apply to another service', () => {
    const injector = new FaultInjector([{ operation: 'rds:DescribeDBClusters', throttleRate: 1 }]);
    expect(injector.decide('dynamodb', 'DescribeDBClusters')).toEqual({ latencyMs: 0 });
  });

  test('without a matching rule the call is answered as is', () => {
    expect(new FaultInjector().decide('rds', 'DescribeDBClusters')).toEqual({ latencyMs: 0 });
    const injector = new FaultInjector([{ operation: 'rds:*', throttleRate: 1 }]);
    injector.clear();
    expect(injector.decide('rds', 'DescribeDBClusters')).toEqual({ latencyMs: 0 });
  });
});

describe('rules for one Region', () => {
  test('apply to calls of that Region only, and leave the others to the general rules', () => {
    const injector = new FaultInjector([
      { operation: 'ssm:PutParameter', region: 'us-east-2', latencyMs: 3000 },
      { operation: '*', latencyMs: 1 },
    ]);
    expect(injector.decide('ssm', 'PutParameter', 'us-east-2')).toEqual({ latencyMs: 3000 });
    expect(injector.decide('ssm', 'PutParameter', 'us-east-1')).toEqual({ latencyMs: 1 });
    expect(injector.decide('ssm', 'PutParameter')).toEqual({ latencyMs: 1 });
  });
});

describe('seeded decisions', () => {
  const rules: FaultRule[] = [{ operation: '*', throttleRate: 0.3, serverErrorRate: 0.2 }];

  test('the same seed gives the same sequence of faults', () => {
    const first = decisions(new FaultInjector(rules, 42), 500);
    const second = decisions(new FaultInjector(rules, 42), 500);
    expect(second).toEqual(first);
    // The sequence is not trivially all-or-nothing, so the equality above says something.
    expect(first.some((d) => d.fault === 'throttle')).toBe(true);
    expect(first.some((d) => d.fault === undefined)).toBe(true);
  });

  test('another seed gives another sequence', () => {
    const first = decisions(new FaultInjector(rules, 42), 500).map((d) => d.fault);
    const other = decisions(new FaultInjector(rules, 43), 500).map((d) => d.fault);
    expect(other).not.toEqual(first);
  });

  test('set(rules, seed) restarts the sequence of that seed', () => {
    const injector = new FaultInjector(rules, 7);
    const first = decisions(injector, 100);
    injector.set(rules, 7);
    expect(decisions(injector, 100)).toEqual(first);
  });

  test('over many calls, the share of each fault is near its rate', () => {
    const many = decisions(new FaultInjector(rules, 2026), 10_000);
    // Wide bounds: the point is "about 30 % and 20 %", not the generator's exact figures.
    expect(share(many, 'throttle')).toBeGreaterThan(0.25);
    expect(share(many, 'throttle')).toBeLessThan(0.35);
    expect(share(many, 'server-error')).toBeGreaterThan(0.15);
    expect(share(many, 'server-error')).toBeLessThan(0.25);
  });

  test('rate 0 never injects and rate 1 always does', () => {
    expect(
      decisions(new FaultInjector([{ operation: '*', throttleRate: 0 }]), 1000).every((d) => !d.fault),
    ).toBe(true);
    expect(
      decisions(new FaultInjector([{ operation: '*', serverErrorRate: 1 }]), 1000).every(
        (d) => d.fault === 'server-error',
      ),
    ).toBe(true);
  });
});

describe('injected counters', () => {
  test('count every fault decided, by kind', () => {
    const injector = new FaultInjector([{ operation: '*', throttleRate: 0.3, serverErrorRate: 0.2 }], 5);
    const list = decisions(injector, 1000);
    expect(injector.injected).toEqual({
      throttle: list.filter((d) => d.fault === 'throttle').length,
      'server-error': list.filter((d) => d.fault === 'server-error').length,
    });
    expect(injector.injected.throttle).toBeGreaterThan(0);
    expect(injector.injected['server-error']).toBeGreaterThan(0);
  });

  test('latency alone is not counted as a fault, and clear() keeps what was counted', () => {
    const injector = new FaultInjector([{ operation: 'ssm:*', latencyMs: 10 }]);
    expect(injector.decide('ssm', 'GetParameter')).toEqual({ latencyMs: 10 });
    expect(injector.injected).toEqual({ throttle: 0, 'server-error': 0 });

    injector.set([{ operation: 'ssm:*', throttleRate: 1 }]);
    decisions(injector, 3, 'ssm', 'GetParameter');
    injector.clear();
    decisions(injector, 3, 'ssm', 'GetParameter');
    expect(injector.injected).toEqual({ throttle: 3, 'server-error': 0 });
  });
});

describe('invalid rules', () => {
  test.each<[string, FaultRule, string]>([
    [
      'a throttle rate above 1',
      { operation: 'rds:*', throttleRate: 1.5 },
      'fault rule rds:*: throttleRate must be between 0 and 1, got 1.5',
    ],
    [
      'a negative throttle rate',
      { operation: '*', throttleRate: -0.1 },
      'fault rule *: throttleRate must be between 0 and 1, got -0.1',
    ],
    [
      'a throttle rate that is not a number',
      { operation: '*', throttleRate: Number.NaN },
      'fault rule *: throttleRate must be between 0 and 1, got NaN',
    ],
    [
      'a server error rate above 1',
      { operation: 'ssm:GetParameter', serverErrorRate: 2 },
      'fault rule ssm:GetParameter: serverErrorRate must be between 0 and 1, got 2',
    ],
    [
      'a negative latency',
      { operation: 'dynamodb:*', latencyMs: -1 },
      'fault rule dynamodb:*: latencyMs must be >= 0, got -1',
    ],
    [
      'a latency that is not a number',
      { operation: '*', latencyMs: Number.NaN },
      'fault rule *: latencyMs must be >= 0, got NaN',
    ],
  ])('refuses %s with a message naming the rule and the expected range', (_, rule, message) => {
    expect(() => new FaultInjector([rule])).toThrow(message);
    expect(() => new FaultInjector().set([rule])).toThrow(message);
  });

  test('a refused set() leaves the rules in force unchanged', () => {
    const injector = new FaultInjector([{ operation: '*', throttleRate: 1 }]);
    expect(() =>
      injector.set([
        { operation: 'rds:*', throttleRate: 0 },
        { operation: 'ssm:*', throttleRate: 7 },
      ]),
    ).toThrow('fault rule ssm:*: throttleRate must be between 0 and 1, got 7');
    expect(injector.decide('rds', 'DescribeDBClusters').fault).toBe('throttle');
  });
});
