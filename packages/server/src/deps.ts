/** What the HTTP layer is given: the engine's services and the frozen server configuration. */
import type {
  ArtifactRepository,
  AuthService,
  RegistryGovernanceService,
  RegistryService,
  ServerConfig,
  TrackingService,
  WebhookService,
} from '@loom/core';
import type { PrincipalResolver } from './principal';
import type { RouteGuard } from './rpc';

export interface AppDeps {
  tracking: TrackingService;
  /** The Model Registry; its routes are mounted only when it is given. */
  registry?: RegistryService | undefined;
  /** Registry webhooks; their routes are mounted only when given. */
  webhooks?: WebhookService | undefined;
  /** Approval workflow, protections and audit log; by default over `registry`, permitting everything. */
  governance?: RegistryGovernanceService | undefined;
  /** Users and permissions (`--app-name basic-auth`): every request is then authenticated and checked. */
  auth?: AuthService | undefined;
  /** Authorization of rpc routes; set by `installAuth`, never by callers. */
  guard?: RouteGuard | undefined;
  /** Names the caller of each request; by default the HTTP Basic user name, else `anonymous`. */
  principal?: PrincipalResolver | undefined;
  /** The proxied artifact store (`--artifacts-destination`); absent with `--no-serve-artifacts`. */
  artifacts: ArtifactRepository | undefined;
  config: ServerConfig;
  /** The built web UI to serve at `/` (a `vite build` output folder); none when absent. */
  uiDir?: string | undefined;
}
