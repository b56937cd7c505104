/**
 * Fault injection per operation: throttling, 5xx and added latency, decided by a seeded generator
 * so that a test run is repeatable. Rules match `<signing-name>:<Operation>`, `<signing-name>:*` or `*`;
 * the most specific matching rule wins.
 */
export interface FaultRule {
  /** `rds:DescribeDBClusters`, `dynamodb:*` or `*`. */
  operation: string;
  /** Share of calls answered with the service's throttling error, 0..1. */
  throttleRate?: number;
  /** Share of calls answered with HTTP 503, 0..1. */
  serverErrorRate?: number;
  /** Added before the call is answered. */
  latencyMs?: number;
}

export interface FaultDecision {
  latencyMs: number;
  fault?: 'throttle' | 'server-error';
}

export class FaultInjector {
  private rules: FaultRule[] = [];
  private random: () => number;
  /** How many faults were injected, by kind: tests assert that the faults really happened. */
  readonly injected = { throttle: 0, 'server-error': 0 };

  constructor(rules: FaultRule[] = [], seed = 1) {
    this.random = mulberry32(seed);
    this.set(rules, seed);
  }

  set(rules: FaultRule[], seed?: number): void {
    for (const rule of rules) validateRule(rule);
    this.rules = [...rules];
    if (seed !== undefined) this.random = mulberry32(seed);
  }

  clear(): void {
    this.rules = [];
  }

  decide(service: string, operation: string): FaultDecision {
    const rule =
      this.rules.find((r) => r.operation === `${service}:${operation}`) ??
      this.rules.find((r) => r.operation === `${service}:*`) ??
      this.rules.find((r) => r.operation === '*');
    if (!rule) return { latencyMs: 0 };
    const decision: FaultDecision = { latencyMs: rule.latencyMs ?? 0 };
    const roll = this.random();
    const throttle = rule.throttleRate ?? 0;
    const serverError = rule.serverErrorRate ?? 0;
    if (roll < throttle) decision.fault = 'throttle';
    else if (roll < throttle + serverError) decision.fault = 'server-error';
    if (decision.fault) this.injected[decision.fault]++;
    return decision;
  }
}

function validateRule(rule: FaultRule): void {
  for (const key of ['throttleRate', 'serverErrorRate'] as const) {
    const value = rule[key];
    if (value !== undefined && !(value >= 0 && value <= 1)) {
      throw new Error(`fault rule ${rule.operation}: ${key} must be between 0 and 1, got ${value}`);
    }
  }
  if (rule.latencyMs !== undefined && !(rule.latencyMs >= 0)) {
    throw new Error(`fault rule ${rule.operation}: latencyMs must be >= 0, got ${rule.latencyMs}`);
  }
}

/** A small, well-known seeded PRNG (Mulberry32): repeatable fault sequences per seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
