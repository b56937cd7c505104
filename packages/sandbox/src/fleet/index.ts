export { Fleet, type FleetOptions } from './fleet.js';
export { CONNECTIONS_PER_INSTANCE, type FleetInstance } from './instance.js';
export { addAutoScalingGroup, type GroupOptions } from './groups.js';
export { ACTIVE_REFRESH_STATUSES } from './refresh-status.js';
export type { ParameterNames } from './settings.js';
