// The shared core every action builds on. Actions import from here only.
export * from './config/index.js';
export * from './errors/index.js';
export * from './aws/index.js';
export * from './report/index.js';
export * from './action/index.js';
export * from './secrets/index.js';
export * from './data/index.js';
export * from './verify/index.js';
export * from './migrate/index.js';
export * from './github/index.js';
export * from './ledger/index.js';
export * from './cutover/index.js';
export * from './rollback/index.js';
export * from './cleanup/index.js';
