/**
 * The toolkit's name and version as AWS sees them in the user agent. A constant rather than a read of
 * package.json: actions run from a single bundled file with no package.json beside it. A test keeps it
 * equal to the root package.json version.
 */
export const toolkitName = 'db-migration-toolkit';
export const toolkitVersion = '0.1.0';
