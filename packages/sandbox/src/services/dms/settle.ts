import type { RequestContext } from '../../protocols/types.js';

/** A new endpoint or task is `creating`, a deleted endpoint `deleting`, for this long: a waiter sees it once. */
export const TRANSITION_MS = 400;

/**
 * Applies the changes of state that are due on the sandbox's clock (a task created becomes `ready`, a
 * deleted endpoint goes), so that every call sees them as DMS would have made them meanwhile.
 */
export function settle(ctx: RequestContext): void {
  const dms = ctx.world.region(ctx.region).dms;
  const now = ctx.now().getTime();
  for (const [arn, endpoint] of dms.endpoints) {
    if (endpoint.removeAt && endpoint.removeAt.getTime() <= now) dms.endpoints.delete(arn);
  }
  for (const task of dms.tasks.values()) {
    if (task.status === 'creating' && task.readyAt && task.readyAt.getTime() <= now) task.status = 'ready';
  }
}
