export * from './errors';
export * from './entities';
export * from './json';
export * from './schema';
export * as tracking from './tracking-api';
export * from './registry-entities';
export * as registry from './registry-api';
export * from './governance-entities';
export * as governance from './governance-api';
