/** Every tracking-service route, in one list for mounting. */
import type { RpcRoute } from '../rpc';
import { experimentRoutes } from './experiments';
import { loggedModelRoutes } from './logged-models';
import { metricRoutes } from './metrics';
import { runRoutes } from './runs';

export const trackingRoutes: readonly RpcRoute[] = [
  ...experimentRoutes,
  ...runRoutes,
  ...metricRoutes,
  ...loggedModelRoutes,
] as unknown as readonly RpcRoute[];
