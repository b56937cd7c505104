import type { InstanceRefresh } from '../world/types.js';

/**
 * An instance refresh is active until it reaches one of AWS's final statuses; while one is active,
 * StartInstanceRefresh is refused with InstanceRefreshInProgress. Baking and the rollback statuses are
 * listed because AWS has them, though the sandbox never enters them.
 */
export const ACTIVE_REFRESH_STATUSES: ReadonlySet<string> = new Set([
  'Pending',
  'InProgress',
  'Cancelling',
  'Baking',
  'RollbackInProgress',
]);

export function isActive(refresh: InstanceRefresh): boolean {
  return ACTIVE_REFRESH_STATUSES.has(refresh.status);
}

/** The group's active refresh, if any (refreshes are kept newest first). */
export function activeRefreshOf(refreshes: readonly InstanceRefresh[]): InstanceRefresh | undefined {
  return refreshes.find(isActive);
}
