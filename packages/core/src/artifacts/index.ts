export * from './artifact-repository';
export * from './artifact-uri';
export * from './local-artifact-repository';
export * from './mime';
export * from './safe-path';
