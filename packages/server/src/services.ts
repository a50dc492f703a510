/**
 * The services a server runs on, opened from its configuration: the store, the tracking and registry
 * services and the artifact proxy's repository. `startServer` and the tests' `createTestApp` both
 * build their app from this, so they run the same wiring.
 */
import {
  openAuth,
  ProxiedVersionFiles,
  RegistryService,
  SqlRegistryStore,
  TrackingService,
  openArtifactDestination,
  openTrackingStore,
  startWebhooks,
  type ArtifactRepository,
  type AuthService,
  type RegistryServiceOptions,
  type ServerConfig,
  type TrackingStore,
  type WebhookRuntime,
} from '@loom/core';

export interface Services {
  store: TrackingStore;
  tracking: TrackingService;
  registry: RegistryService;
  artifacts: ArtifactRepository | undefined;
  /** Registry webhooks: the service the routes use and this server's delivery dispatcher. */
  webhooks: WebhookRuntime;
  /** Users and permissions, when the server runs the basic-auth app. */
  auth: AuthService | undefined;
  /** Lets background work finish (copies, event deliveries), then closes the store. */
  close(): Promise<void>;
}

/**
 * Opens the artifact destination first (an unreachable bucket is a one-line error with nothing opened
 * yet), then the store. Registry versions get their own copy of their files when the server proxies
 * artifacts; registry events go to the webhooks' outbox, which this server's dispatcher delivers.
 */
export async function openServices(
  config: ServerConfig,
  registryOptions: Omit<RegistryServiceOptions, 'files'> = {},
): Promise<Services> {
  const artifacts = config.serveArtifacts
    ? await openArtifactDestination(config.artifactsDestination, config.s3)
    : undefined;
  const store = await openTrackingStore(config.backendStoreUri, {
    defaultArtifactRoot: config.defaultArtifactRoot,
    postgres: { poolSize: config.poolSize },
  });
  const auth = config.auth
    ? await openAuth(config.auth, store.db, config.backendStoreUri).catch(async (err: unknown) => {
        await store.close();
        throw err;
      })
    : undefined;
  const webhooks = startWebhooks(store.db, config.backendStoreUri, config.webhooks);
  const registry = new RegistryService(new SqlRegistryStore(store.db), store, {
    events: webhooks.service,
    ...registryOptions,
    files: artifacts ? new ProxiedVersionFiles(artifacts, config.s3) : undefined,
  });
  return {
    store,
    tracking: new TrackingService(store),
    registry,
    artifacts,
    webhooks,
    auth: auth?.service,
    async close() {
      await registry.drain();
      await webhooks.close();
      await auth?.close();
      await store.close();
    },
  };
}
