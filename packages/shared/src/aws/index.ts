export { AwsClients, type AwsClientOptions, type AwsServiceClasses, type RetryMode } from './clients.js';
export { toolkitName, toolkitVersion } from './version.js';
