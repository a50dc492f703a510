/**
 * The Model Registry's front door: MLflow's rules and defaults applied once, then the store.
 * Method names are MLflow's operation names; the HTTP routes are thin wrappers around them.
 */
import { invalidParameter, LoomError, MODEL_VERSION_STAGES, type ModelVersionStage } from '@loom/protocol';
import type { KeyValue, Page } from '../tracking/entities';
import type { TrackingStore } from '../tracking/tracking-store';
import { validateMaxResults } from '../tracking/validation';
import type { ModelVersion, RegisteredModel } from './entities';
import { NO_PROTECTIONS, type Actor, type Protections, type StageTransition } from './governance-entities';
import { ANONYMOUS, type Principal } from './principal';
import { assertStageUnprotected, assertAliasUnprotected } from './protections';
import {
  isLocalUri,
  parseModelsUri,
  parseRunsUri,
  validateLocalSource,
  validateRemoteSource,
} from './model-source';
import {
  aliasSetEvent,
  modelCreatedEvent,
  transitionEvents,
  versionCreatedEvent,
} from './registry-event-drafts';
import { NO_REGISTRY_EVENTS, type RegistryEventDraft, type RegistryEventSink } from './registry-events';
import type { Announce, ChangedModel, RegistrationOutcome, RegistryStore } from './registry-store';
import type { VersionFiles } from './version-files';
import { IS_PROMPT_TAG } from '../tracking/search/registry-search-sql';
import {
  ACTIVE_STAGES,
  REGISTRY_LIMITS,
  canonicalStage,
  parseModelVersion,
  validateAlias,
  validateModelName,
  validateModelVersionTag,
  validateRegisteredModelTag,
} from './validation';

export interface RegistrySearchArgs {
  filter?: string | undefined;
  orderBy?: string[] | undefined;
  maxResults?: number | undefined;
  pageToken?: string | undefined;
}

export interface CreateModelVersionArgs {
  name: string;
  source: string;
  runId?: string | undefined;
  tags?: { key?: string | undefined; value?: string | undefined }[];
  runLink?: string | undefined;
  description?: string | undefined;
  modelId?: string | undefined;
}

type TagIn = { key?: string | undefined; value?: string | undefined };

export interface RegistryServiceOptions {
  now?: () => number;
  /** What relative local sources are resolved against. */
  cwd?: string;
  /** Stores each change's events in its transaction (the webhooks' outbox). */
  events?: RegistryEventSink;
  /** Where versions' files are copied; without it versions reference their source and are READY at once. */
  files?: VersionFiles | undefined;
  /**
   * How long create-model-version waits for the copy before answering PENDING_REGISTRATION (clients
   * then poll get-model-version, as MLflow's do). Default 2 s.
   */
  registrationWaitMs?: number;
}

/** Model Registry operations with MLflow's validation, defaults and messages. */
export class RegistryService {
  private readonly now: () => number;
  private readonly cwd: string;
  private readonly events: RegistryEventSink;
  private readonly files: VersionFiles | undefined;
  private readonly registrationWaitMs: number;
  /** Copies under way, so that closing can wait for them. */
  private readonly registering = new Set<Promise<void>>();

  constructor(
    readonly store: RegistryStore,
    private readonly tracking: TrackingStore,
    options: RegistryServiceOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.cwd = options.cwd ?? process.cwd();
    this.events = options.events ?? NO_REGISTRY_EVENTS;
    this.files = options.files;
    this.registrationWaitMs = options.registrationWaitMs ?? 2000;
  }

  /** Who changes something now, for the audit log. */
  actor(principal: Principal = ANONYMOUS): Actor {
    return { user: principal.user, time: this.now() };
  }

  async createRegisteredModel(
    args: { name: string; tags?: TagIn[]; description?: string | undefined },
    principal?: Principal,
  ) {
    const name = validateModelName(args.name);
    const tags = (args.tags ?? []).map(validateRegisteredModelTag);
    const actor = this.actor(principal);
    return this.announcing(
      actor,
      (model: RegisteredModel) => [modelCreatedEvent(model)],
      (announce) =>
        this.store.createRegisteredModel({ name, tags, description: args.description }, actor, announce),
    );
  }

  /**
   * Makes a change together with its events: `change` hands `announce` to the store, which stores
   * what `build` makes of the change's result inside the change's transaction (so an acknowledged
   * change always has its outbox rows); the sink hears once it has committed.
   */
  async announcing<R, T>(
    actor: Actor,
    build: (result: R) => RegistryEventDraft[],
    change: (announce: Announce<R>) => Promise<T>,
  ): Promise<T> {
    let stored = false;
    const done = await change(async (tx, result) => {
      const events = build(result).map((e) => ({ ...e, timestamp: actor.time, user: actor.user }));
      // Reassigned on each attempt: PostgreSQL retries a transaction that hit a serialization failure.
      stored = events.length > 0 && (await this.events.write(tx, events));
    });
    if (stored) this.events.committed();
    return done;
  }

  getRegisteredModel(name: string): Promise<RegisteredModel> {
    return this.store.getRegisteredModel(validateModelName(name));
  }

  /** Renames a model and its versions; a taken name is RESOURCE_ALREADY_EXISTS. */
  renameRegisteredModel(name: string, newName: string, principal?: Principal): Promise<RegisteredModel> {
    validateModelName(newName, 'New registered model name');
    return this.store.renameRegisteredModel(validateModelName(name), newName, this.actor(principal));
  }

  /** Sets the description (absent or empty clears it). */
  updateRegisteredModel(
    name: string,
    description: string | undefined,
    principal?: Principal,
  ): Promise<RegisteredModel> {
    return this.store.updateRegisteredModel(
      validateModelName(name),
      description ?? '',
      this.actor(principal),
    );
  }

  deleteRegisteredModel(name: string, principal?: Principal): Promise<void> {
    return this.store.deleteRegisteredModel(validateModelName(name), this.actor(principal));
  }

  /** Searches registered models (max_results 1..1000, default 100). */
  searchRegisteredModels(args: RegistrySearchArgs): Promise<Page<RegisteredModel>> {
    const maxResults = args.maxResults ?? REGISTRY_LIMITS.searchRegisteredModelsDefault;
    validateMaxResults(maxResults, REGISTRY_LIMITS.searchRegisteredModelsMaxResults);
    return this.store.searchRegisteredModels({
      filter: args.filter,
      orderBy: args.orderBy ?? [],
      maxResults,
      pageToken: args.pageToken,
    });
  }

  /** The newest live version in each requested stage (all four when none are given). */
  async getLatestVersions(name: string, stages: readonly string[] = []): Promise<ModelVersion[]> {
    const wanted = stages.length > 0 ? [...new Set(stages.map(canonicalStage))] : [...MODEL_VERSION_STAGES];
    return this.store.getLatestVersions(validateModelName(name), wanted);
  }

  /** Sets a model tag; only prompts announce it (`prompt_tag.set`), as in MLflow. */
  async setRegisteredModelTag(
    name: string,
    key: string,
    value: string | undefined,
    principal?: Principal,
  ): Promise<void> {
    const tag = validateRegisteredModelTag({ key, value });
    const actor = this.actor(principal);
    await this.announcing(
      actor,
      (m: ChangedModel) =>
        m.isPrompt ? [{ name: 'prompt_tag.set', data: { name, key: tag.key, value: tag.value } }] : [],
      (announce) => this.store.setRegisteredModelTag(validateModelName(name), tag, actor, announce),
    );
  }

  /** Deletes a tag; a missing tag is not an error, a missing model is. */
  async deleteRegisteredModelTag(name: string, key: string, principal?: Principal): Promise<void> {
    const actor = this.actor(principal);
    await this.announcing(
      actor,
      (m: ChangedModel) => (m.isPrompt ? [{ name: 'prompt_tag.deleted', data: { name, key } }] : []),
      (announce) => this.store.deleteRegisteredModelTag(validateModelName(name), key, actor, announce),
    );
  }

  /**
   * Points an alias at a version (re-pointing allowed); `latest` and `v<digits>` are reserved.
   * A protected alias is refused: only an approved transition request moves it.
   */
  async setRegisteredModelAlias(
    name: string,
    alias: string,
    version: string,
    principal?: Principal,
  ): Promise<void> {
    validateAlias(alias, true);
    const number = parseModelVersion(version);
    assertAliasUnprotected(await this.protectionsOf(validateModelName(name)), name, alias);
    const actor = this.actor(principal);
    await this.announcing(
      actor,
      (m: ChangedModel) => [aliasSetEvent(name, alias, number, m.isPrompt)],
      (announce) => this.store.setRegisteredModelAlias(name, alias, number, actor, announce),
    );
  }

  async deleteRegisteredModelAlias(name: string, alias: string, principal?: Principal): Promise<void> {
    validateAlias(alias, false);
    const actor = this.actor(principal);
    await this.announcing(
      actor,
      (m: ChangedModel) => [
        { name: m.isPrompt ? 'prompt_alias.deleted' : 'model_version_alias.deleted', data: { name, alias } },
      ],
      (announce) => this.store.deleteRegisteredModelAlias(validateModelName(name), alias, actor, announce),
    );
  }

  /** The version an alias points to; `latest` (any case) is the newest version. Unknown alias: 400. */
  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    validateModelName(name);
    const found =
      alias.toLowerCase() === 'latest'
        ? await this.latestOrMissing(name)
        : await this.store.getModelVersionByAlias(name, validateAlias(alias, false));
    if (!found) throw invalidParameter(`Registered model alias ${alias} not found.`);
    return found;
  }

  private async latestOrMissing(name: string): Promise<ModelVersion | undefined> {
    await this.store.getRegisteredModel(name);
    return this.store.getNewestModelVersion(name);
  }

  /**
   * Adds a version with MLflow's source checks. A `models:/` source is stored with its resolved
   * location (a logged model's artifact_uri, or another version's download URI); a `runs:/` source
   * with the run's artifact_uri + path, so downloads need no client-side resolution.
   */
  async createModelVersion(args: CreateModelVersionArgs, principal?: Principal): Promise<ModelVersion> {
    const promptVersion = (args.tags ?? []).some((t) => t.key === IS_PROMPT_TAG);
    if (!promptVersion) await this.validateSource(args.source, args.runId, args.modelId);
    const name = validateModelName(args.name);
    const tags = (args.tags ?? []).map(validateModelVersionTag);
    let runId = args.runId || undefined;
    let storageLocation: string | undefined;
    if (/^models:/i.test(args.source)) {
      const resolved = await this.resolveModelsSource(args.source);
      storageLocation = resolved.location;
      runId ??= resolved.runId;
    } else {
      const runs = parseRunsUri(args.source);
      if (runs) storageLocation = await this.runArtifactLocation(runs.runId, runs.path);
    }
    if (!runId && args.modelId) runId = (await this.tracking.getLoggedModel(args.modelId)).sourceRunId;
    const copies = this.files !== undefined && !promptVersion;
    const actor = this.actor(principal);
    const newVersion = {
      name,
      source: args.source,
      storageLocation,
      runId,
      runLink: args.runLink,
      description: args.description,
      modelId: args.modelId || undefined,
      tags,
      status: copies ? ('PENDING_REGISTRATION' as const) : ('READY' as const),
    };
    const created = await this.announcing(
      actor,
      (v: ModelVersion) => [versionCreatedEvent(v)],
      (announce) => this.store.createModelVersion(newVersion, actor, announce),
    );
    if (!copies) return created;
    const done = this.register(name, created.version, storageLocation ?? args.source);
    const waited = await Promise.race([
      done.then(() => true),
      new Promise<false>((resolve) => setTimeout(resolve, this.registrationWaitMs, false).unref()),
    ]);
    return waited ? this.store.getModelVersion(name, created.version) : created;
  }

  /**
   * Copies a pending version's files into registry storage, then marks it READY, or
   * FAILED_REGISTRATION with the reason. Never rejects: a failure to record the outcome leaves the
   * version pending, and `resumePendingRegistrations` (run at server start) finishes it.
   */
  private register(name: string, version: number, from: string): Promise<void> {
    const files = this.files!;
    const work = (async () => {
      let outcome: RegistrationOutcome;
      try {
        const copied = await files.copy(from);
        outcome =
          copied.kind === 'copied'
            ? { status: 'READY', storageLocation: copied.location }
            : { status: 'READY' };
      } catch (err) {
        outcome = {
          status: 'FAILED_REGISTRATION',
          statusMessage: `Copying the model files from ${from} failed: ${(err as Error).message}`,
        };
      }
      await this.store.finishModelVersionRegistration(name, version, outcome);
    })().catch((err: unknown) => {
      console.error(`loom: registration of ${name} v${version} left pending: ${(err as Error).message}`);
    });
    this.registering.add(work);
    void work.finally(() => this.registering.delete(work));
    return work;
  }

  /**
   * Finishes registrations a stopped server left pending. Safe with several servers: copies go to
   * fresh folders and only the first outcome recorded for a version counts.
   */
  async resumePendingRegistrations(): Promise<number> {
    if (!this.files) return 0;
    const pending = await this.store.listPendingRegistrations();
    for (const p of pending) await this.register(p.name, p.version, p.from);
    return pending.length;
  }

  /** Waits for the copies under way (before the store closes). */
  async drain(): Promise<void> {
    while (this.registering.size > 0) await Promise.all([...this.registering]);
  }

  /** Where a `models:/<model_id>` or `models:/<name>/<version>` source's files are, and its run. */
  private async resolveModelsSource(source: string): Promise<{ location: string; runId?: string }> {
    try {
      const parsed = parseModelsUri(source);
      if (!parsed) throw new Error('expected models:/<model_id> or models:/<name>/<version>');
      if ('modelId' in parsed) {
        const logged = await this.tracking.getLoggedModel(parsed.modelId);
        return { location: logged.artifactUri, runId: logged.sourceRunId || undefined };
      }
      const version = parseModelVersion(parsed.version);
      return { location: await this.store.getModelVersionDownloadUri(parsed.name, version) };
    } catch (err) {
      // MLflow raises this as INTERNAL_ERROR (500, retried by its client); it is the caller's mistake.
      throw invalidParameter(
        `Unable to fetch model from model URI source artifact location '${source}'.` +
          `Error: ${(err as Error).message}`,
      );
    }
  }

  /** `<run artifact_uri>/<path>`, or undefined when the run is unknown (MLflow does not check it). */
  private async runArtifactLocation(runId: string, relative: string): Promise<string | undefined> {
    try {
      const run = await this.tracking.getRunInfo(runId);
      const root = run.artifactUri.replace(/\/+$/, '');
      return relative ? `${root}/${relative}` : root;
    } catch (err) {
      if (err instanceof LoomError && err.code === 'RESOURCE_DOES_NOT_EXIST') return undefined;
      throw err;
    }
  }

  private async validateSource(source: string, runId?: string, modelId?: string): Promise<void> {
    if (!isLocalUri(source)) return validateRemoteSource(source);
    if (modelId) {
      const model = await this.tracking.getLoggedModel(modelId);
      return validateLocalSource(source, model.artifactUri, 'model_id', this.cwd);
    }
    const root = runId ? (await this.tracking.getRunInfo(runId)).artifactUri : undefined;
    validateLocalSource(source, root, 'run_id', this.cwd);
  }

  getModelVersion(name: string, version: string): Promise<ModelVersion> {
    return this.store.getModelVersion(validateModelName(name), parseModelVersion(version));
  }

  updateModelVersion(
    name: string,
    version: string,
    description: string | undefined,
    principal?: Principal,
  ): Promise<ModelVersion> {
    return this.store.updateModelVersion(
      validateModelName(name),
      parseModelVersion(version),
      description ?? '',
      this.actor(principal),
    );
  }

  deleteModelVersion(name: string, version: string, principal?: Principal): Promise<void> {
    return this.store.deleteModelVersion(
      validateModelName(name),
      parseModelVersion(version),
      this.actor(principal),
    );
  }

  /**
   * Moves a version to a stage; `archiveExisting` is only allowed for Staging and Production. A
   * protected stage is refused: only an approved transition request moves a version there.
   */
  async transitionModelVersionStage(
    name: string,
    version: string,
    stage: string,
    archiveExisting = false,
    principal?: Principal,
  ): Promise<ModelVersion> {
    const moved = await this.applyTransition(name, version, stage, archiveExisting, principal);
    return moved.modelVersion;
  }

  /**
   * The checked stage transition behind the OSS and Databricks endpoints: records APPLIED_TRANSITION
   * (with `comment`) and an event for every stage move, in one transaction.
   */
  async applyTransition(
    name: string,
    version: string,
    stage: string,
    archiveExisting: boolean,
    principal?: Principal,
    comment?: string | undefined,
  ): Promise<StageTransition> {
    const target: ModelVersionStage = canonicalStage(stage);
    if (archiveExisting && !ACTIVE_STAGES.includes(target)) {
      // MLflow raises this as INTERNAL_ERROR (500), which its client retries; it is the caller's mistake.
      throw invalidParameter(
        `Model version transition cannot archive existing model versions because '${stage}' is not an ` +
          `Active stage. Valid stages are {'Staging', 'Production'}`,
      );
    }
    const number = parseModelVersion(version);
    assertStageUnprotected(await this.protectionsOf(validateModelName(name)), name, target);
    const actor = this.actor(principal);
    return this.announcing(actor, transitionEvents, (announce) =>
      this.store.transitionModelVersionStage(name, number, target, archiveExisting, actor, comment, announce),
    );
  }

  /**
   * The model's protections; none for an unknown model, so that the store's own error (MLflow's
   * "Model Version (name=…, version=…) not found") is the one the caller gets.
   */
  private async protectionsOf(name: string): Promise<Protections> {
    try {
      return await this.store.getProtections(name);
    } catch (err) {
      if (err instanceof LoomError && err.code === 'RESOURCE_DOES_NOT_EXIST') return NO_PROTECTIONS;
      throw err;
    }
  }

  getModelVersionDownloadUri(name: string, version: string): Promise<string> {
    return this.store.getModelVersionDownloadUri(validateModelName(name), parseModelVersion(version));
  }

  /** Searches model versions (max_results 1..200,000, default 200,000 as in MLflow's proto). */
  searchModelVersions(args: RegistrySearchArgs): Promise<Page<ModelVersion>> {
    const maxResults = args.maxResults ?? REGISTRY_LIMITS.searchModelVersionsDefault;
    validateMaxResults(maxResults, REGISTRY_LIMITS.searchModelVersionsMaxResults);
    return this.store.searchModelVersions({
      filter: args.filter,
      orderBy: args.orderBy ?? [],
      maxResults,
      pageToken: args.pageToken,
    });
  }

  async setModelVersionTag(
    name: string,
    version: string,
    key: string,
    value: string | undefined,
    principal?: Principal,
  ): Promise<void> {
    const tag: KeyValue = validateModelVersionTag({ key, value });
    const number = parseModelVersion(version);
    const actor = this.actor(principal);
    await this.announcing(
      actor,
      (m: ChangedModel) => [
        {
          name: m.isPrompt ? 'prompt_version_tag.set' : 'model_version_tag.set',
          data: { name, version: String(number), key: tag.key, value: tag.value },
        },
      ],
      (announce) => this.store.setModelVersionTag(validateModelName(name), number, tag, actor, announce),
    );
  }

  async deleteModelVersionTag(
    name: string,
    version: string,
    key: string,
    principal?: Principal,
  ): Promise<void> {
    const number = parseModelVersion(version);
    const actor = this.actor(principal);
    await this.announcing(
      actor,
      (m: ChangedModel) => [
        {
          name: m.isPrompt ? 'prompt_version_tag.deleted' : 'model_version_tag.deleted',
          data: { name, version: String(number), key },
        },
      ],
      (announce) => this.store.deleteModelVersionTag(validateModelName(name), number, key, actor, announce),
    );
  }
}
