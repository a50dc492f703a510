/** Test helpers shared by the packages' suites (`@loom/core/testing`); never imported by product code. */
export * from './test-backend';
export * from './test-database';
export * from './test-s3';
export * from './postgres-availability';
export * from './store-fixture';
export * from './fuzz';
export * from './test-store';
