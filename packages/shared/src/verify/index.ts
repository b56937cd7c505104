export { verifyHealth } from './health.js';
export type { HealthContext, HealthOptions } from './types.js';
