export { Sandbox, type SandboxOptions, type RequestRecord } from './server.js';
export { AwsError } from './errors.js';
export type { FaultRule } from './faults.js';
export { World } from './world/world.js';
export type * from './world/types.js';
