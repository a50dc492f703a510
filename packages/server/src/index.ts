export { createApp } from './app';
export type { AppDeps } from './deps';
export { startServer, type RunningServer, type StartOptions } from './main';
export { LOOM_VERSION, MLFLOW_COMPAT_VERSION } from './version';
export { parseFrameOptions } from './security/security-settings';
