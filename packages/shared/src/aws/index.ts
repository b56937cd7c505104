export { AwsClients, type AwsClientOptions, type RetryMode } from './clients.js';
export { toolkitName, toolkitVersion } from './version.js';
