/**
 * Fault injection per operation: throttling, 5xx, partial batch writes and added latency, decided by a
 * seeded generator so that a test run is repeatable. Rules match `<signing-name>:<Operation>`, `<signing-name>:*` or `*`;
 * the most specific matching rule wins.
 */
export interface FaultRule {
  /** `rds:DescribeDBClusters`, `dynamodb:*` or `*`. */
  operation: string;
  /** Share of calls answered with the service's throttling error, 0..1. */
  throttleRate?: number;
  /** Share of calls answered with HTTP 503, 0..1. */
  serverErrorRate?: number;
  /**
   * Share of calls answered as DynamoDB does under write pressure, 0..1: only part of the batch is
   * written and the rest comes back as `UnprocessedItems` (all of it: ProvisionedThroughputExceededException).
   * Only operations in {@link PARTIAL_WRITE_OPERATIONS} act on it; the three rates share one roll, so
   * together they should not exceed 1.
   */
  unprocessedRate?: number;
  /** Added before the call is answered. */
  latencyMs?: number;
  /**
   * Only calls signed for this Region (e.g. a slow us-east-2), so that a test can hold one Region's
   * writes back while another's land. Any Region when absent.
   */
  region?: string;
}

export interface FaultDecision {
  latencyMs: number;
  fault?: 'throttle' | 'server-error';
  /**
   * Set when the call is to be answered partially: the share of its write requests, in (0, 1], that
   * come back unprocessed. Not a `fault`: the call still succeeds (unless nothing is kept).
   */
  unprocessed?: number;
}

/** The operations that can answer with part of a batch left unprocessed. */
export const PARTIAL_WRITE_OPERATIONS: ReadonlySet<string> = new Set(['dynamodb:BatchWriteItem']);

export class FaultInjector {
  private rules: FaultRule[] = [];
  private random: () => number;
  /** How many faults were injected, by kind: tests assert that the faults really happened. */
  readonly injected = { throttle: 0, 'server-error': 0 };
  /** How many calls were answered with part of their batch unprocessed (a partial answer, not an error). */
  unprocessedInjected = 0;

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

  decide(service: string, operation: string, region?: string): FaultDecision {
    const rules = this.rules.filter((r) => r.region === undefined || r.region === region);
    const rule =
      rules.find((r) => r.operation === `${service}:${operation}`) ??
      rules.find((r) => r.operation === `${service}:*`) ??
      rules.find((r) => r.operation === '*');
    if (!rule) return { latencyMs: 0 };
    const decision: FaultDecision = { latencyMs: rule.latencyMs ?? 0 };
    const roll = this.random();
    const throttle = rule.throttleRate ?? 0;
    const serverError = rule.serverErrorRate ?? 0;
    const unprocessed = PARTIAL_WRITE_OPERATIONS.has(`${service}:${operation}`)
      ? (rule.unprocessedRate ?? 0)
      : 0;
    if (roll < throttle) decision.fault = 'throttle';
    else if (roll < throttle + serverError) decision.fault = 'server-error';
    else if (roll < throttle + serverError + unprocessed) {
      // A second roll (only on this branch, so sequences without the rate stay as they were): how much
      // of the batch is kept back, (0, 1].
      decision.unprocessed = 1 - this.random();
      this.unprocessedInjected++;
    }
    if (decision.fault) this.injected[decision.fault]++;
    return decision;
  }
}

function validateRule(rule: FaultRule): void {
  for (const key of ['throttleRate', 'serverErrorRate', 'unprocessedRate'] as const) {
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
