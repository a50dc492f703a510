export * from './artifact-destination';
export * from './artifact-repository';
export * from './artifact-uri';
export * from './local-artifact-repository';
export * from './mime';
export * from './s3-artifact-repository';
export * from './s3-client';
export * from './safe-path';
