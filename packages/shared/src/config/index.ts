export { buildConfig, loadConfig, type BuildConfigOptions, type LoadConfigOptions } from './build-config.js';
export type { Generation, MigrationConfig } from './types.js';
export { instanceName } from './templates.js';
export { awsRegions, isAwsRegion, parseRegions } from './regions.js';
export { validateEnvironment } from './environment.js';
