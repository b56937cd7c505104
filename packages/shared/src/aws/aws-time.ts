/** Any SDK v3 client: its resolved config carries the clock offset the signer keeps. */
interface ClockSkewed {
  config: { systemClockOffset?: number };
}

/**
 * AWS's time now, as far as this client has seen it: the SDK's signer sets `systemClockOffset` from
 * the Date header of every response (and of clock-skew errors), so after one call through the client
 * this is AWS's clock to within a second, whatever the runner's clock says. Freshness windows measured
 * against ledger events (whose times are AWS's LastModifiedDate) use it, so that a runner whose clock
 * is hours off can neither pass a stale verdict nor refuse a fresh one.
 */
export function awsTime(client: ClockSkewed): Date {
  return new Date(Date.now() + (client.config.systemClockOffset ?? 0));
}
